#!/bin/sh
# A2, customer edge router (ce) of topology classic, written by vpnsim export
# The kernel settings FRR does not make. containerlab makes the same (the
# node's sysctls and exec); elsewhere run this as root once the interfaces
# exist and before FRR starts.
set -e
sysctl -w net.ipv4.icmp_errors_use_inbound_ifaddr=1
sysctl -w net.ipv4.ip_forward=1
ip addr replace 10.1.2.1/24 dev lo
