<?php
/**
 * Tests only: let WordPress fetch oEmbed answers from the service on 127.0.0.1 and any port.
 * A real service has a public host name, which WordPress's HTTP API reaches without this.
 */
add_filter('http_request_host_is_external', function ($external, $host) {
    return $external || $host === '127.0.0.1';
}, 10, 2);
add_filter('http_allowed_safe_ports', function ($ports, $host) {
    return $host === '127.0.0.1' ? range(1024, 65535) : $ports;
}, 10, 2);
