#!/bin/bash
# /etc/ipsec.d/aws-updown.sh: builds the VTI from the arguments leftupdown passes
while [[ $# > 1 ]]; do
    case ${1} in
        -ln|--link-name) TUNNEL_NAME="${2}"; shift ;;
        -ll|--link-local) TUNNEL_LOCAL_ADDRESS="${2}"; shift ;;
        -lr|--link-remote) TUNNEL_REMOTE_ADDRESS="${2}"; shift ;;
        -m|--mark) TUNNEL_MARK="${2}"; shift ;;
        -r|--static-route) TUNNEL_STATIC_ROUTE="${2}"; shift ;;
        *) echo "unknown option ${1}"; exit 1 ;;
    esac
    shift
done

create_interface() {
    ip link add ${TUNNEL_NAME} type vti local ${PLUTO_ME} remote ${PLUTO_PEER} okey ${TUNNEL_MARK} ikey ${TUNNEL_MARK}
    ip addr add ${TUNNEL_LOCAL_ADDRESS} remote ${TUNNEL_REMOTE_ADDRESS} dev ${TUNNEL_NAME}
    ip link set ${TUNNEL_NAME} up mtu 1419
}

configure_sysctl() {
    sysctl -w net.ipv4.ip_forward=1
    sysctl -w net.ipv4.conf.${TUNNEL_NAME}.rp_filter=2
    sysctl -w net.ipv4.conf.${TUNNEL_NAME}.disable_policy=1
}

add_rules() {
    iptables -t mangle -I FORWARD -o ${TUNNEL_NAME} -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
    iptables -t mangle -I INPUT -p esp -s ${PLUTO_PEER} -d ${PLUTO_ME} -j MARK --set-xmark ${TUNNEL_MARK}
}

case "${PLUTO_VERB}" in
    up-client) create_interface; configure_sysctl; add_rules ;;
    down-client) ip link del ${TUNNEL_NAME} ;;
esac
