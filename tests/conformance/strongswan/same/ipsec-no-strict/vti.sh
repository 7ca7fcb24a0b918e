#!/bin/bash
ip link add vti1 type vti local 192.0.2.10 remote 198.51.100.7 key 100
ip addr add 169.254.44.42/30 remote 169.254.44.41/30 dev vti1
ip link set vti1 up mtu 1419
ip link add vti2 type vti local 192.0.2.10 remote 203.0.113.129 key 200
ip addr add 169.254.45.62/30 remote 169.254.45.61/30 dev vti2
ip link set vti2 up mtu 1419
iptables -t mangle -A FORWARD -o vti1 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
iptables -t mangle -A FORWARD -o vti2 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
sysctl -w net.ipv4.conf.vti1.disable_policy=1
sysctl -w net.ipv4.conf.vti2.disable_policy=1
