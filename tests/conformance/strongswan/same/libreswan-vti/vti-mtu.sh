#!/bin/sh
ip link set vti01 mtu 1436
ip link set vti02 mtu 1436
iptables -t mangle -A FORWARD -o vti01 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1379
iptables -t mangle -A FORWARD -o vti02 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1379
