"""TLS: validate_certs is honoured even when REQUESTS_CA_BUNDLE is set (requests lets that variable override
a Session's verify=False, so the client passes verify with every request)."""

from __future__ import annotations

import requests

from tests.integration.playbook import single_task_play

# As on machines with a system CA bundle configured for requests (this one, many CI images).
SYSTEM_BUNDLE = {"REQUESTS_CA_BUNDLE": requests.certs.where()}


def tenant_task(validate_certs):
    return single_task_play("acronis_tenant", name="Over TLS", kind="customer", validate_certs=validate_certs)


def test_untrusted_certificate_fails_clearly_and_validate_certs_false_works_with_a_warning(runner, tls_sim):
    refused = runner.run(tenant_task(True), conn=tls_sim.conn, env=SYSTEM_BUNDLE).result("acronis_tenant")
    assert refused["failed"] and refused["msg"] == (
        "POST /idp/token: TLS certificate of %s could not be verified (certificate verify failed: self-signed "
        "certificate); install the CA certificate on the controller or set validate_certs: false" % tls_sim.url)
    accepted = runner.run(tenant_task(False), conn=tls_sim.conn, env=SYSTEM_BUNDLE).result("acronis_tenant")
    assert accepted["changed"] and not accepted.get("failed"), accepted
    assert accepted["warnings"] == ["validate_certs is false: the TLS certificate of %s is not checked"
                                    % tls_sim.url]


def test_the_datacenters_ca_in_requests_ca_bundle_is_trusted(runner, tls_sim):
    trusted = runner.run(tenant_task(True), conn=tls_sim.conn, env={"REQUESTS_CA_BUNDLE": tls_sim.conn["ca_cert"]})
    result = trusted.result("acronis_tenant")
    assert not result.get("failed") and "warnings" not in result, result
