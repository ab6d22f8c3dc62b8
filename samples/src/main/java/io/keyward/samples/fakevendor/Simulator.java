package io.keyward.samples.fakevendor;

/** One vendor's side of the fake vendor: answers a call whose credential was already checked. */
interface Simulator {
    Reply answer(VendorCall call);

    /** The vendor's own answer to a wrong credential. */
    Reply unauthorized();

    /** The vendor's own 500, for a hiccup in front of it: nothing was acted on. */
    Reply serverError();
}
