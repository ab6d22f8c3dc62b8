package io.keyward.phone;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The country of an E.164 number, by longest calling-code prefix, with the North American
 * Numbering Plan split by area code (+1 is the US, Canada and much of the Caribbean). A number
 * whose country is not in the table has no country, so a {@code country_in} rule refuses it.
 */
public final class Phones {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Map<String, String> PREFIXES = new HashMap<>();
    private static final Map<String, String> NANP = new HashMap<>();

    static {
        for (String ca : ("204 226 236 249 250 263 289 306 343 354 365 367 368 382 387 403 416 418 428 431 437 438 450 460 "
                + "468 474 506 514 519 548 579 581 584 587 600 604 613 622 639 647 672 683 705 709 742 753 778 780 782 "
                + "807 819 825 867 873 879 902 905 942").split(" ")) {
            NANP.put(ca, "CA");
        }
        String[][] caribbean = {{"242", "BS"}, {"246", "BB"}, {"264", "AI"}, {"268", "AG"}, {"284", "VG"}, {"340", "VI"},
            {"345", "KY"}, {"441", "BM"}, {"473", "GD"}, {"649", "TC"}, {"658", "JM"}, {"876", "JM"}, {"664", "MS"},
            {"670", "MP"}, {"671", "GU"}, {"684", "AS"}, {"721", "SX"}, {"758", "LC"}, {"767", "DM"}, {"784", "VC"},
            {"787", "PR"}, {"939", "PR"}, {"809", "DO"}, {"829", "DO"}, {"849", "DO"}, {"868", "TT"}, {"869", "KN"}};
        for (String[] c : caribbean) {
            NANP.put(c[0], c[1]);
        }
        String table = "7 RU,76 KZ,77 KZ,20 EG,27 ZA,30 GR,31 NL,32 BE,33 FR,34 ES,36 HU,39 IT,40 RO,41 CH,43 AT,44 GB,"
                + "45 DK,46 SE,47 NO,48 PL,49 DE,51 PE,52 MX,53 CU,54 AR,55 BR,56 CL,57 CO,58 VE,60 MY,61 AU,62 ID,"
                + "63 PH,64 NZ,65 SG,66 TH,81 JP,82 KR,84 VN,86 CN,90 TR,91 IN,92 PK,93 AF,94 LK,95 MM,98 IR,212 MA,"
                + "213 DZ,216 TN,218 LY,233 GH,234 NG,254 KE,255 TZ,256 UG,351 PT,352 LU,353 IE,354 IS,355 AL,356 MT,"
                + "357 CY,358 FI,359 BG,370 LT,371 LV,372 EE,380 UA,381 RS,385 HR,386 SI,420 CZ,421 SK,852 HK,853 MO,"
                + "855 KH,880 BD,886 TW,961 LB,962 JO,965 KW,966 SA,971 AE,972 IL,973 BH,974 QA";
        for (String entry : table.split(",")) {
            String[] kv = entry.split(" ");
            PREFIXES.put(kv[0], kv[1]);
        }
    }

    private Phones() {
    }

    public static boolean isE164(String number) {
        return number != null && E164.matcher(number).matches();
    }

    /** The ISO 3166 alpha-2 country of a strict E.164 number, if known. */
    public static Optional<String> country(String number) {
        if (!isE164(number)) {
            return Optional.empty();
        }
        String digits = number.substring(1);
        if (digits.startsWith("1")) {
            if (digits.length() != 11) {
                return Optional.empty();
            }
            return Optional.of(NANP.getOrDefault(digits.substring(1, 4), "US"));
        }
        for (int len = 3; len >= 1; len--) {
            String country = PREFIXES.get(digits.substring(0, len));
            if (country != null) {
                return Optional.of(country);
            }
        }
        return Optional.empty();
    }
}
