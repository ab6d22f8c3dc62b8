package io.keyward.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code vendor_secrets}; SQL in VendorSecretMapper.xml beside this interface. */
public interface VendorSecretMapper {
    VendorSecretRow find(@Param("vendor") String vendor);

    List<VendorSecretRow> all();

    /** Stores a new sealed secret, one version above the last. */
    void put(VendorSecretRow row);
}
