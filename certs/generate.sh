#!/usr/bin/env bash
# Generates a development CA, a server certificate signed by it, and a client CA for mutual TLS, with keytool
# (part of every JDK).
#   certs/generate.sh [-q] [output-dir]      default output: the folder of this script; -q: say nothing when all
#                                            files exist (the build and bin/gateway run call it so)
#   GATEWAY_CERT_HOSTS="gw.example.com,10.0.0.5" certs/generate.sh    extra DNS names / IP addresses
# Leaves existing files alone; delete server.p12 to renew the server certificate with the same CA, or everything to
# start over. The outputs are secrets or generated: never commit them. bin/gateway certificates generate runs it.
set -euo pipefail

quiet=false
if [[ "${1:-}" == "-q" ]]; then quiet=true; shift; fi
out="${1:-$(cd "$(dirname "$0")" && pwd)}"
mkdir -p "$out"
cd "$out"

if [[ -f server.p12 && -f ca.pem && -f server.p12.password && -f client-ca.pem ]]; then
  $quiet || echo "certs: using existing $out/server.p12 (trust $out/ca.pem)"
  exit 0
fi

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]]; then keytool="$JAVA_HOME/bin/keytool"; else keytool=keytool; fi

# SANs: localhost and loopback always, plus GATEWAY_CERT_HOSTS
san="dns:localhost,ip:127.0.0.1,ip:::1"
IFS=',' read -ra extra <<< "${GATEWAY_CERT_HOSTS:-}"
for host in "${extra[@]}"; do
  host="${host// /}"
  [[ -z "$host" ]] && continue
  if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then san="$san,ip:$host"; else san="$san,dns:$host"; fi
done

umask 077
if [[ -f ca.p12 && -f ca.pem && -f server.p12.password ]]; then
  # keep the CA clients already trust: only the server certificate (or the client CA) is made anew
  password="$(cat server.p12.password)"
  rm -f server.p12 server.pem server.csr
else
  rm -f ca.p12 ca.pem server.p12 server.pem server.csr client-ca.p12 client-ca.pem
  password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s\n' "$password" > server.p12.password
  # the CA: its key stays in ca.p12 (same password), its certificate is what clients trust
  "$keytool" -genkeypair -alias ca -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
    -dname "CN=Kafka REST Gateway Development CA" -ext bc:c -ext KeyUsage:critical=keyCertSign,cRLSign \
    -validity 3650 -keystore ca.p12 -storetype PKCS12 -storepass "$password" -keypass "$password" 2>/dev/null
  "$keytool" -exportcert -rfc -alias ca -keystore ca.p12 -storepass "$password" > ca.pem
fi

# the server key pair, then its certificate signed by the CA with the SANs
"$keytool" -genkeypair -alias server -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
  -dname "CN=localhost" -validity 825 -keystore server.p12 -storetype PKCS12 \
  -storepass "$password" -keypass "$password" 2>/dev/null
"$keytool" -certreq -alias server -keystore server.p12 -storepass "$password" > server.csr
"$keytool" -gencert -alias ca -keystore ca.p12 -storepass "$password" -infile server.csr -rfc -validity 825 \
  -ext "SAN=$san" -ext KeyUsage:critical=digitalSignature -ext ExtendedKeyUsage=serverAuth > server.pem
"$keytool" -importcert -noprompt -alias ca -file ca.pem -keystore server.p12 -storepass "$password" >/dev/null 2>&1
"$keytool" -importcert -noprompt -alias server -file server.pem -keystore server.p12 -storepass "$password" >/dev/null 2>&1
rm -f server.csr

# the client CA: signs the client certificates of mutual TLS (the credentials tool's sign-csr uses it)
if [[ ! -f client-ca.p12 || ! -f client-ca.pem ]]; then
rm -f client-ca.p12 client-ca.pem
"$keytool" -genkeypair -alias client-ca -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
  -dname "CN=Kafka REST Gateway Development Client CA" -ext bc:c -ext KeyUsage:critical=keyCertSign,cRLSign \
  -validity 3650 -keystore client-ca.p12 -storetype PKCS12 -storepass "$password" -keypass "$password" 2>/dev/null
"$keytool" -exportcert -rfc -alias client-ca -keystore client-ca.p12 -storepass "$password" > client-ca.pem
fi
chmod 644 ca.pem server.pem client-ca.pem

echo "certs: created $out/server.p12 for $san; clients trust $out/ca.pem"
