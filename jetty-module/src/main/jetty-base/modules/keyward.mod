# Keyward for Jetty 12. docs/install.md, "Install into Jetty", says how to install and configure it.

[description]
Keyward: AI agents call Stripe, Twilio and Resend with per-run vault keys instead of the real API
keys. Deploys one context (keyward.contextPath, default /keyward) holding Keyward's filter and its
admin API next to the server's other web apps, and hides Keyward's jars from those web apps.

[tags]
keyward
security

[environment]
ee10

[depend]
ee10-servlet
ee10-webapp

[lib]
lib/keyward/*.jar

[files]
basehome:modules/keyward/keyward.yaml|etc/keyward.yaml
keyward/spool/

[xml]
etc/keyward.xml

[ini-template]
## Keyward's context path: the gateway answers at {contextPath}/{vendor}/..., the admin API at
## {contextPath}/admin/...
# keyward.contextPath=/keyward

## Keyward's YAML config: vendors, security, spend, audit (docs/configuration.md).
## --add-modules copied a template to etc/keyward.yaml; it is never overwritten.
# keyward.config=${jetty.base}/etc/keyward.yaml

## MariaDB. These set database.url, database.user and database.password over the YAML file.
## The database and user must exist; Keyward creates its tables at start (database.migrate).
# keyward.database.url=jdbc:mariadb://127.0.0.1:3306/keyward
# keyward.database.user=keyward
# keyward.database.password=

## Vendors, over etc/keyward.yaml. ${NAME} in a value is read from the environment by Keyward,
## so secrets need not sit here. A vendor not in the YAML needs its base_url and secret here.
# keyward.vendors.stripe.base_url=https://api.stripe.com
# keyward.vendors.stripe.secret=${STRIPE_SECRET_KEY}
# keyward.vendors.twilio.base_url=https://api.twilio.com
# keyward.vendors.twilio.account_sid=${TWILIO_ACCOUNT_SID}
# keyward.vendors.twilio.secret=${TWILIO_AUTH_TOKEN}
# keyward.vendors.resend.base_url=https://api.resend.com
# keyward.vendors.resend.secret=${RESEND_API_KEY}

## Where audit rows wait while MariaDB cannot take them (node-local, lasting storage).
# keyward.audit.spool_dir=${jetty.base}/keyward/spool

[license]
Keyward includes the MariaDB Connector/J JDBC driver as its own jar,
lib/keyward/mariadb-java-client-${mariadb.client.version}.jar, which is licensed under the
GNU Lesser General Public License, version 2.1: https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html
You may replace that jar with another build of the driver.
