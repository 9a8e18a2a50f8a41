/**
 * A production keepalived.conf and haproxy.cfg as a change would propose them (advert_int 2, the
 * site's addresses, interface and names, secrets), for the mapping's unit tests and the e2e drill.
 * Tests name their line numbers: keep lines where they are.
 */
export const AUTH_PASS = "Zq7secrt";
export const STATS_PASSWORD = "St4tsPw9";
export const USERLIST_PASSWORD = "Hunter2pw";

export const PRODUCTION_KEEPALIVED = `! proposed: advert_int 2
global_defs {
    router_id lb-prod-1
    enable_script_security
    script_user keepalived_script
}
vrrp_script check_apiserver {
    script "/opt/checks/apiserver.sh --vip 10.40.0.100"
    interval 1
    timeout 1
    fall 2
    rise 2
    weight 0
}
vrrp_instance VI_API {
    state MASTER
    interface ens192
    virtual_router_id 61
    priority 150
    advert_int 2
    unicast_src_ip 10.40.0.11
    unicast_peer {
        10.40.0.12
    }
    authentication {
        auth_type PASS
        auth_pass ${AUTH_PASS}
    }
    virtual_ipaddress {
        10.40.0.100/24 dev ens192 label ens192:api
    }
    track_script {
        check_apiserver
    }
    notify_master "/usr/local/bin/page-oncall.sh master"
}
`;

export const PRODUCTION_HAPROXY = `global
    stats socket /var/lib/haproxy/stats mode 660 level operator
defaults
    mode tcp
    timeout connect 5s
    timeout client 35s
    timeout server 35s
    retries 1
    option redispatch
userlist ops
    user admin insecure-password ${USERLIST_PASSWORD}
frontend k8s-api
    bind 10.40.0.100:6443
    default_backend k8s-api-servers
listen stats
    bind *:8404
    mode http
    stats enable
    stats uri /stats
    stats auth admin:${STATS_PASSWORD}
backend k8s-api-servers
    option httpchk
    http-check connect ssl
    http-check send meth GET uri /healthz
    http-check expect status 200
    default-server check check-ssl verify none inter 1s fall 3 rise 2
    server master-a 10.40.0.21:6443
    server master-b 10.40.0.22:6443 addr 10.40.0.22 port 6443
`;
