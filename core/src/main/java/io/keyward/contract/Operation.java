package io.keyward.contract;

/**
 * One operation of a vendor's API, named as the vendor's own SDKs name it.
 *
 * @param moneyMoving whether a call can move money or send a billable message (the spend cap prices these)
 */
public record Operation(String name, String method, PathTemplate path, BodyFormat body, boolean moneyMoving) {

    /** Read-only operations make up a key's policy when it is issued without one. */
    public boolean readOnly() {
        return method.equals("GET");
    }
}
