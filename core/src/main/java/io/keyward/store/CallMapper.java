package io.keyward.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** {@code calls}, the audit log; SQL in CallMapper.xml beside this interface. */
public interface CallMapper {
    int insertBatch(@Param("rows") List<CallRow> rows);

    List<CallRow> list(CallQuery query);
}
