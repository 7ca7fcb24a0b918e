#!/bin/sh
# tunnel interfaces, as in AWS's guide (steps 2 and 3), run from rc.local
sudo ip link add Tunnel1 type vti local 10.0.0.20 remote 198.51.100.7 key 100
sudo ip addr add 169.254.44.42/30 remote 169.254.44.41/30 dev Tunnel1
sudo ip link set Tunnel1 up mtu 1419
sudo ip link add Tunnel2 type vti local 10.0.0.20 remote 203.0.113.129 key 200
sudo ip addr add 169.254.45.62/30 remote 169.254.45.61/30 dev Tunnel2
sudo ip link set Tunnel2 up mtu 1419
sudo iptables -t mangle -A FORWARD -o Tunnel1 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
sudo iptables -t mangle -A INPUT -p esp -s 198.51.100.7 -d 192.0.2.10 -j MARK --set-xmark 100
sudo iptables -t mangle -A FORWARD -o Tunnel2 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
sudo iptables -t mangle -A INPUT -p esp -s 203.0.113.129 -d 192.0.2.10 -j MARK --set-xmark 200
sudo sysctl -w net.ipv4.conf.Tunnel1.rp_filter=2
sudo sysctl -w net.ipv4.conf.Tunnel1.disable_policy=1
sudo sysctl -w net.ipv4.conf.Tunnel2.rp_filter=2
sudo sysctl -w net.ipv4.conf.Tunnel2.disable_policy=1
