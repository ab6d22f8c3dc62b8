// The README's stripe-node example: host and port only, a $0.60 payment intent, then one over the
// billing policy's $50 limit, which comes back as stripe-node's StripePermissionError with
// Keyward's code and reaches no vendor.
//
// Run: KEYWARD_GATEWAY=http://127.0.0.1:8080 KEYWARD_VAULT_KEY=kw_... node quickstart-charge.mjs
import Stripe from 'stripe';
import { required } from './env.mjs';

const gateway = new URL(required('KEYWARD_GATEWAY'));
const stripe = new Stripe(required('KEYWARD_VAULT_KEY'), {
  host: gateway.hostname, port: Number(gateway.port), protocol: gateway.protocol.replace(':', ''),
});

const intent = await stripe.paymentIntents.create({ amount: 60, currency: 'usd' });
console.log(`ok payment_intents.create ${intent.id} ${intent.amount} ${intent.currency}`);
try {
  await stripe.paymentIntents.create({ amount: 9000, currency: 'usd' });
  console.log('ok payment_intents.create over the limit');
} catch (e) {
  if (!(e instanceof Stripe.errors.StripeError)) throw e;
  console.log(`refused payment_intents.create ${e.type} status=${e.statusCode} code=${e.code}`);
}
