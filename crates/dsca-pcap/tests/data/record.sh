#!/bin/sh
# Re-make the capture fixtures of this directory. Needs root, iproute2, tcpdump, tshark
# (dumpcap), dig (dnsutils), getent, node and python3. Nothing leaves the machine: the
# client and a DNS responder/TCP sink live in two network namespaces joined by a veth
# pair, with documentation addresses only (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/64)
# and reserved names (*.example, *.invalid).
#
#   sudo sh crates/dsca-pcap/tests/data/record.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
client=dsca-rec-client
server=dsca-rec-server

cleanup() {
    [ -n "${responder:-}" ] && kill "$responder" 2>/dev/null || true
    ip netns del "$client" 2>/dev/null || true
    ip netns del "$server" 2>/dev/null || true
    rm -rf "/etc/netns/$client"
}
trap cleanup EXIT
cleanup

ip netns add "$client"
ip netns add "$server"
ip link add veth-c netns "$client" type veth peer name veth-s netns "$server"
# The smallest MTU IPv6 allows: a long ClientHello spans several TCP segments.
ip -n "$client" link set veth-c mtu 1280 up
ip -n "$server" link set veth-s mtu 1280 up
ip -n "$client" link set lo up
ip -n "$server" link set lo up
ip -n "$client" addr add 192.0.2.10/24 dev veth-c
ip -n "$server" addr add 192.0.2.53/24 dev veth-s
ip -n "$client" addr add 2001:db8::10/64 dev veth-c nodad
ip -n "$server" addr add 2001:db8::53/64 dev veth-s nodad
ip -n "$client" route add default via 192.0.2.53
ip -n "$client" -6 route add default via 2001:db8::53
# Every address of 198.51.100.0/24 and 2001:db8::/64 answers in the server namespace.
ip -n "$server" route add local 198.51.100.0/24 dev lo
ip -n "$server" route add 192.0.2.0/24 dev veth-s 2>/dev/null || true
mkdir -p "/etc/netns/$client"
printf 'nameserver 192.0.2.53\noptions attempts:1 timeout:1\n' >"/etc/netns/$client/resolv.conf"
printf '127.0.0.1 localhost\n' >"/etc/netns/$client/hosts"

ip netns exec "$server" python3 "$here/responder.py" >/dev/null &
responder=$!
sleep 1

in_client() { ip netns exec "$client" "$@"; }

# 1. pcap (Ethernet, microseconds) of dig over UDP and TCP, IPv4 and IPv6, an NXDOMAIN.
ip netns exec "$client" tcpdump -q -U -i veth-c -w "$here/dig-ethernet.pcap" 2>/dev/null &
dump=$!; sleep 1
in_client dig +short +tries=1 @192.0.2.53 registry.npmjs.org A >/dev/null
in_client dig +short +tries=1 @192.0.2.53 evil.example A >/dev/null
in_client dig +short +tries=1 +tcp @192.0.2.53 tcp-lookup.example A >/dev/null
in_client dig +short +tries=1 +tcp @192.0.2.53 tcp-lookup.example AAAA >/dev/null
in_client dig +short +tries=1 @2001:db8::53 ipv6-resolver.example AAAA >/dev/null
in_client dig +short +tries=1 @192.0.2.53 missing.invalid A >/dev/null
sleep 1; kill -TERM "$dump"; wait "$dump" || true

# 2. pcapng with two interfaces (veth-c and lo): getent and node through the system
#    resolver, TLS (a ClientHello split across segments), HTTP, a bare-address connection.
ip netns exec "$client" dumpcap -q -i veth-c -i lo -w "$here/node-two-interfaces.pcapng" 2>/dev/null &
dump=$!; sleep 2
in_client getent ahostsv4 getent-lookup.example >/dev/null || true
in_client node "$here/client.js"
sleep 1; kill -TERM "$dump"; wait "$dump" || true

# 3. Linux cooked capture (any interface), nanosecond timestamps.
ip netns exec "$client" tcpdump -q -U -i any --time-stamp-precision=nano -w "$here/cooked-any.pcap" 2>/dev/null &
dump=$!; sleep 1
in_client dig +short +tries=1 @192.0.2.53 cooked.example A >/dev/null
in_client dig +short +tries=1 @192.0.2.53 registry.yarnpkg.com A >/dev/null
sleep 1; kill -TERM "$dump"; wait "$dump" || true

chmod 644 "$here"/*.pcap "$here"/*.pcapng
ls -l "$here"/*.pcap "$here"/*.pcapng
