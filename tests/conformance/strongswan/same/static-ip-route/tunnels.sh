#!/bin/sh
sudo ip link add Tunnel1 type vti local 10.0.0.20 remote 203.0.113.60 key 100
sudo ip addr add 169.254.33.10/30 remote 169.254.33.9/30 dev Tunnel1
sudo ip link set Tunnel1 up mtu 1419
sudo ip route add 10.20.0.0/16 dev Tunnel1 metric 100
sudo ip link add Tunnel2 type vti local 10.0.0.20 remote 203.0.113.61 key 200
sudo ip addr add 169.254.34.18/30 remote 169.254.34.17/30 dev Tunnel2
sudo ip link set Tunnel2 up mtu 1419
sudo ip route add 10.20.0.0/16 dev Tunnel2 metric 200
sudo iptables -t mangle -A FORWARD -o Tunnel1 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
sudo iptables -t mangle -A FORWARD -o Tunnel2 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
