package io.keyward.forward;

/**
 * What came back from the vendor.
 *
 * @param upstreamRequestId the vendor's request id header, or null
 * @param upstreamMicros time from sending the request to the end of the streamed response
 * @param complete false when the response broke off after its status had reached the agent
 * @param bodyCopy the start of the vendor's body, decompressed, when a copy was asked for (to settle
 *     spend from the amount the vendor states); empty otherwise
 */
public record ForwardResult(int status, String upstreamRequestId, long upstreamMicros, boolean complete, byte[] bodyCopy) {
}
