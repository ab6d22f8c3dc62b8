// The billing agent on stripe-node: looks a customer up and charges them, as any stripe-node
// program would. Its vault key's policy (samples/policies/billing-agent.json) allows exactly that,
// so its attempt at a refund comes back as stripe-node's own StripePermissionError carrying
// Keyward's code.
//
// Run: KEYWARD_GATEWAY=http://127.0.0.1:8080 KEYWARD_VAULT_KEY=kw_... node billing-agent.mjs
import Stripe from 'stripe';
import { required } from './env.mjs';

// The whole integration: the vault key where the Stripe key goes, and Keyward's host and port.
// stripe-node has no base-path setting: it sends /v1/... with no /stripe prefix, and Keyward
// routes it to the vendor the vault key was issued for.
const gateway = new URL(required('KEYWARD_GATEWAY'));
const stripe = new Stripe(required('KEYWARD_VAULT_KEY'), {
  host: gateway.hostname,
  port: Number(gateway.port),
  protocol: gateway.protocol.replace(':', ''),
  maxNetworkRetries: 2, // stripe-node's default in Node, spelled out: a 5xx is retried with the same Idempotency-Key
});

function refused(label, e) {
  if (!(e instanceof Stripe.errors.StripeError)) throw e;
  console.log(`refused ${label} ${e.type} status=${e.statusCode} code=${e.code}`);
}

try {
  const customer = await stripe.customers.retrieve(process.argv[2] ?? 'cus_NffrFeUfNV2Hib');
  console.log(`ok customers.retrieve ${customer.id}`);
  const intent = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: customer.id });
  console.log(`ok payment_intents.create ${intent.id} ${intent.amount}`);
} catch (e) {
  refused('charge', e);
  process.exit(1);
}
try {
  await stripe.refunds.create({ payment_intent: 'pi_3MtwBwLkdIwHu7ix28a3tqPa' });
  console.log('ok refunds.create');
} catch (e) {
  refused('refunds.create', e);
}
