"""The billing agent on stripe-python: looks a customer up and charges them, as any stripe-python
program would. Its vault key's policy (samples/policies/billing-agent.json) allows exactly that, so
its attempt at a refund comes back as stripe-python's own PermissionError carrying Keyward's code.

stripe-python 5.0.0 (Debian's python3-stripe) does not pass the error's `code` to PermissionError,
so `e.code` is None for a 403: Keyward's code is in `e.error.code`, the parsed error object.

Run: KEYWARD_GATEWAY=http://127.0.0.1:8080 KEYWARD_VAULT_KEY=kw_... /usr/bin/python3 billing_agent.py
"""
import os
import sys

import stripe

from keyward_env import required

# The whole integration: the vault key where the Stripe key goes, and Keyward's /stripe as the API
# base. KEYWARD_STRIPE_API_BASE may name another one: the gateway alone (no /stripe) also works,
# as Keyward then routes by the vault key's vendor.
stripe.api_key = required("KEYWARD_VAULT_KEY")
stripe.api_base = os.environ.get("KEYWARD_STRIPE_API_BASE") or required("KEYWARD_GATEWAY") + "/stripe"
# Off by default in stripe-python 5; with it, a 5xx is retried with the same Idempotency-Key.
stripe.max_network_retries = 2


def refused(label, e):
    code = e.error.code if e.error else None  # e.error is None when the answer was no Stripe error
    print(f"refused {label} {type(e).__name__} status={e.http_status} code={code}", flush=True)


try:
    customer = stripe.Customer.retrieve(sys.argv[1] if len(sys.argv) > 1 else "cus_NffrFeUfNV2Hib")
    print(f"ok customers.retrieve {customer.id}", flush=True)
    intent = stripe.PaymentIntent.create(amount=2000, currency="usd", customer=customer.id)
    print(f"ok payment_intents.create {intent.id} {intent.amount}", flush=True)
except stripe.error.StripeError as e:
    refused("charge", e)
    sys.exit(1)
try:
    stripe.Refund.create(payment_intent="pi_3MtwBwLkdIwHu7ix28a3tqPa")
    print("ok refunds.create", flush=True)
except stripe.error.PermissionError as e:
    refused("refunds.create", e)
