package io.keyward.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code vendor_secrets}; SQL in VendorSecretMapper.xml beside this interface. */
public interface VendorSecretMapper {
    VendorSecretRow find(@Param("vendor") String vendor);

    List<VendorSecretRow> all();

    /** The stored version, locked until the transaction ends; null when none is stored. */
    Long lockVersion(@Param("vendor") String vendor);

    /** Stores a sealed secret at the version the row names (sealed for it). */
    void put(VendorSecretRow row);
}
