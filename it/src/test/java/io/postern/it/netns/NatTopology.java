package io.postern.it.netns;

import java.util.ArrayList;
import java.util.List;

/**
 * The reconnect case's network: the gateway in the root namespace on 198.18.0.1/24, a NAT router
 * namespace (198.18.0.2 on its WAN side, masquerading) and LAN hosts 198.18.1.2, .3, … behind it on
 * a bridge (198.18.1.1/24). Every peer behind the router reaches the gateway from 198.18.0.2.
 */
final class NatTopology {
    static final String GATEWAY_IP = "198.18.0.1";
    static final String ROUTER_WAN_IP = "198.18.0.2";

    final NetnsLab lab;
    final String router;
    final String wanIf;
    final List<String> hosts = new ArrayList<>();

    NatTopology(NetnsLab lab, int lanHosts) {
        this.lab = lab;
        this.router = lab.namespace("r");
        String[] wan = lab.veth(null, "gw", GATEWAY_IP + "/24", router, "wan", ROUTER_WAN_IP + "/24");
        this.wanIf = wan[1];
        String bridge = lab.bridge(router, "br", "198.18.1.1/24");
        for (int i = 0; i < lanHosts; i++) {
            String host = lab.namespace("h" + i);
            String[] lan = lab.veth(router, "l" + i, null, host, "e" + i, "198.18.1." + (i + 2) + "/24");
            lab.exec(router, "ip", "link", "set", lan[0], "master", bridge).orThrow();
            lab.exec(host, "ip", "route", "add", "default", "via", "198.18.1.1").orThrow();
            hosts.add(host);
        }
        lab.natRouter(router, wanIf);
    }
}
