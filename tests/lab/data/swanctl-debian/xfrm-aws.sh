#!/bin/sh
# Hand-written Linux side for the two AWS tunnels: XFRM interfaces (if_id as in swanctl.conf), the
# inside addresses, an MTU below AWS's 1436 and MSS clamping.
set -e
ip link add xfrm-aws1 type xfrm dev eth0 if_id 41
ip addr add 169.254.200.2/30 dev xfrm-aws1
ip link set xfrm-aws1 mtu 1400 up
ip link add xfrm-aws2 type xfrm dev eth0 if_id 42
ip addr add 169.254.200.6/30 dev xfrm-aws2
ip link set xfrm-aws2 mtu 1400 up
sysctl -qw net.ipv4.conf.xfrm-aws1.disable_policy=1 net.ipv4.conf.xfrm-aws2.disable_policy=1
