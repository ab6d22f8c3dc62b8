package io.keyward.agents.notification;

import com.resend.core.exception.ResendException;
import com.resend.services.emails.Emails;
import com.resend.services.emails.model.CreateEmailOptions;
import com.resend.services.emails.model.CreateEmailResponse;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;

/**
 * The seed's notification agent: texts a customer with twilio-java and emails them with
 * resend-java. Its policy (samples/policies/notification-agent.json, issued to a Twilio and a Resend
 * key) allows texts to US numbers and mail from billing@example.com to example.com addresses, so a
 * text abroad and a mail elsewhere come back as each SDK's own exception carrying Keyward's code.
 *
 * <p>Run with KEYWARD_GATEWAY, KEYWARD_TWILIO_KEY and KEYWARD_RESEND_KEY set.
 */
public final class NotificationAgent {
    private static final PhoneNumber FROM = new PhoneNumber("+15017122661");

    private NotificationAgent() {
    }

    public static void main(String[] args) {
        String gateway = required("KEYWARD_GATEWAY");
        TwilioRestClient twilio = TwilioThroughKeyward.client(gateway, "AC00000000000000000000000000000000",
                required("KEYWARD_TWILIO_KEY"));
        Emails emails = ResendThroughKeyward.emails(gateway, required("KEYWARD_RESEND_KEY"));

        text(twilio, "+15558675310", "messages.create");
        text(twilio, "+447700900123", "messages.create abroad");
        mail(emails, "ops@example.com", "emails.send");
        mail(emails, "someone@elsewhere.org", "emails.send elsewhere");
    }

    private static void text(TwilioRestClient twilio, String to, String label) {
        try {
            Message message = Message.creator(new PhoneNumber(to), FROM, "Your invoice is ready").create(twilio);
            System.out.println("ok " + label + " " + message.getSid() + " " + message.getStatus());
        } catch (ApiException e) {
            System.out.println("refused " + label + " ApiException status=" + e.getStatusCode() + " message=" + e.getMessage());
        }
    }

    private static void mail(Emails emails, String to, String label) {
        try {
            CreateEmailResponse sent = emails.send(CreateEmailOptions.builder()
                    .from("billing@example.com").to(to).subject("Your invoice").html("<p>Your invoice is ready.</p>").build());
            System.out.println("ok " + label + " " + sent.getId());
        } catch (ResendException e) {
            System.out.println("refused " + label + " ResendException status=" + e.getStatusCode() + " name=" + e.getErrorName()
                    + " message=" + e.getMessage());
        }
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("set " + name);
        }
        return value;
    }
}
