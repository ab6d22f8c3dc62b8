// The notification agent on twilio-node and resend-node: texts a customer and emails them. Its
// policy (samples/policies/notification-agent.json, issued to a Twilio and a Resend key) allows
// texts to US numbers and mail from billing@example.com to example.com addresses, so a text abroad
// is twilio-node's own RestException carrying Keyward's code, and a mail elsewhere is resend-node's
// own { data: null, error } (resend-node returns errors rather than throwing them).
//
// Run with KEYWARD_GATEWAY, KEYWARD_TWILIO_KEY and KEYWARD_RESEND_KEY set.
import twilio from 'twilio';
import { Resend } from 'resend';
import { required } from './env.mjs';

const gateway = required('KEYWARD_GATEWAY');

// twilio-node: the vault key where the auth token goes, and Keyward's /twilio as the base URL of
// the api domain (messages, calls). The account SID may be any: Keyward puts the real one in.
const texts = twilio('AC00000000000000000000000000000000', required('KEYWARD_TWILIO_KEY'));
texts.api.baseUrl = `${gateway}/twilio`;

// resend-node: the vault key where the API key goes, Keyward's /resend as baseUrl (or RESEND_BASE_URL).
const mails = new Resend(required('KEYWARD_RESEND_KEY'), { baseUrl: `${gateway}/resend` });

async function text(to, label) {
  try {
    const message = await texts.messages.create({ to, from: '+15017122661', body: 'Your invoice is ready' });
    console.log(`ok ${label} ${message.sid} ${message.status}`);
  } catch (e) {
    if (!(e instanceof twilio.RestException)) throw e;
    console.log(`refused ${label} RestException status=${e.status} code=${e.code} moreInfo=${e.moreInfo}`);
  }
}

async function mail(to, label) {
  const { data, error } = await mails.emails.send({
    from: 'billing@example.com', to, subject: 'Your invoice', html: '<p>Your invoice is ready.</p>',
  });
  if (error) {
    console.log(`refused ${label} error statusCode=${error.statusCode} name=${error.name} message=${error.message}`);
  } else {
    console.log(`ok ${label} ${data.id}`);
  }
}

await text('+15558675310', 'messages.create');
await text('+447700900123', 'messages.create abroad');
await mail('ops@example.com', 'emails.send');
await mail('someone@elsewhere.org', 'emails.send elsewhere');
