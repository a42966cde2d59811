#!/bin/sh
# PE2, provider edge router (pe) of topology classic, written by vpnsim export
# The kernel settings FRR does not make. containerlab makes the same (the
# node's sysctls and exec); elsewhere run this as root once the interfaces
# exist and before FRR starts.
# The kernel needs MPLS: modprobe mpls_router mpls_iptunnel mpls_gso.
set -e
sysctl -w net.ipv4.icmp_errors_use_inbound_ifaddr=1
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.mpls.platform_labels=1048575
ip addr replace 10.0.0.4/32 dev lo
ip link add A type vrf table 1001
ip link set A up
ip link add B type vrf table 1002
ip link set B up
ip link set eth2 master A
ip link set eth3 master B
sysctl -w net.mpls.conf.lo.input=1
sysctl -w net.mpls.conf.eth1.input=1
