#!/bin/bash
# XFRM interfaces for the two AWS tunnels (run before strongSwan starts)
set -e
ip link add xfrm1 type xfrm dev eth0 if_id 100
ip addr add 169.254.44.42/30 dev xfrm1
ip link set xfrm1 mtu 1436 up
sysctl -w net.ipv4.conf.xfrm1.disable_policy=1
ip link add xfrm2 type xfrm dev eth0 if_id 200
ip addr add 169.254.45.62/30 dev xfrm2
ip link set xfrm2 mtu 1436 up
sysctl -w net.ipv4.conf.xfrm2.disable_policy=1
nft add table inet mssfix
nft add chain inet mssfix fwd '{ type filter hook forward priority mangle; }'
nft add rule inet mssfix fwd oifname "xfrm1" tcp flags syn tcp option maxseg size set 1379
nft add rule inet mssfix fwd oifname "xfrm2" tcp flags syn tcp option maxseg size set 1379
