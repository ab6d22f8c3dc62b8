package io.keyward.store;

import java.util.List;

/** Reads of {@code calls}, the audit log; SQL in CallMapper.xml beside this interface (rows are written by {@link CallRepository}). */
public interface CallMapper {
    List<CallRow> list(CallQuery query);
}
