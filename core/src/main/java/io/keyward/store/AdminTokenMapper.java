package io.keyward.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code admin_tokens}; SQL in AdminTokenMapper.xml beside this interface. */
public interface AdminTokenMapper {
    int insert(AdminTokenRow row);

    AdminTokenRow byHash(@Param("tokenHash") byte[] tokenHash);

    List<AdminTokenRow> all();

    int revoke(@Param("name") String name);
}
