"""A tiny DNS responder and TCP sink for record.sh; runs inside the server namespace.

DNS (UDP and TCP, port 53): names under .invalid get NXDOMAIN; every other name gets
an A record in 198.51.100.0/24 (derived from the name) and an AAAA in 2001:db8::/64.
TCP 80/443/8443: reads what the client sends, answers HTTP with a 404, closes.
"""
import socket, socketserver, struct, threading, zlib

def address_for(name):
    return 10 + zlib.crc32(name.encode()) % 200

def answer(query):
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    at, labels = 12, []
    while query[at]:
        labels.append(query[at + 1:at + 1 + query[at]].decode())
        at += 1 + query[at]
    qtype = struct.unpack("!H", query[at + 1:at + 3])[0]
    question = query[12:at + 5]
    name = ".".join(labels).lower()
    records = b""
    rcode = 0
    if name.endswith(".invalid"):
        rcode = 3
    elif qtype == 1:
        records = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([198, 51, 100, address_for(name)])
    elif qtype == 28:
        records = b"\xc0\x0c" + struct.pack("!HHIH", 28, 1, 60, 16) + bytes.fromhex("20010db8000000000000000000000000")[:15] + bytes([address_for(name)])
    count = 1 if records else 0
    return struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, count, 0, 0) + question + records

class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(answer(data), self.client_address)

class Tcp(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            head = self.request.recv(2)
            if len(head) < 2:
                return
            want = struct.unpack("!H", head)[0]
            data = b""
            while len(data) < want:
                chunk = self.request.recv(want - len(data))
                if not chunk:
                    return
                data += chunk
            reply = answer(data)
            self.request.sendall(struct.pack("!H", len(reply)) + reply)

class Sink(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(65536)
        if data[:1].isalpha():
            self.request.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

class V6Udp(socketserver.ThreadingUDPServer):
    address_family = socket.AF_INET6
class V6Tcp(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
class V4Tcp(socketserver.ThreadingTCPServer):
    allow_reuse_address = True

# The IPv6 sockets are dual-stack: they serve IPv4 clients too.
servers = [
    V6Udp(("::", 53), Udp),
    V6Tcp(("::", 53), Tcp),
] + [V4Tcp(("0.0.0.0", port), Sink) for port in (80, 443, 8443)]
for server in servers:
    threading.Thread(target=server.serve_forever, daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
