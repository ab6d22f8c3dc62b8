"""The notification agent on twilio-python: texts a customer. Its policy
(samples/policies/notification-agent.json) allows texts to US numbers, so a text abroad comes back
as twilio-python's own TwilioRestException carrying Keyward's code.

Run: KEYWARD_GATEWAY=http://127.0.0.1:8080 KEYWARD_TWILIO_KEY=kw_... /usr/bin/python3 notification_agent.py
"""
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from keyward_env import required

# The whole integration: the vault key where the auth token goes, and Keyward's /twilio as the base
# URL of the api domain (messages, calls). The account SID may be any: Keyward puts the real one in.
client = Client("AC00000000000000000000000000000000", required("KEYWARD_TWILIO_KEY"))
client.api.base_url = required("KEYWARD_GATEWAY") + "/twilio"


def text(to, label):
    try:
        message = client.messages.create(to=to, from_="+15017122661", body="Your invoice is ready")
        print(f"ok {label} {message.sid} {message.status}", flush=True)
    except TwilioRestException as e:
        print(f"refused {label} TwilioRestException status={e.status} code={e.code} msg={e.msg}", flush=True)


text("+15558675310", "messages.create")
text("+447700900123", "messages.create abroad")
