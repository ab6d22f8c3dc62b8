package io.keyward.store;

import java.util.List;

/** {@code calls}, the audit log; SQL in CallMapper.xml beside this interface. */
public interface CallMapper {
    int insertOne(CallRow row);

    List<CallRow> list(CallQuery query);
}
