package io.keyward.forward;

import java.io.IOException;

/** The vendor's answer is longer than Keyward holds for one call ({@link AnswerConsumer#LIMIT}). */
final class AnswerTooLarge extends IOException {
    AnswerTooLarge() {
        super("the vendor's answer is longer than " + AnswerConsumer.LIMIT + " bytes", null);
    }
}
