"""acronis_registration_token through real ansible-playbook runs against the simulator: one usable token per
tenant, reused while it has time left; the token never in the output."""

from __future__ import annotations

import textwrap

from tests.client_factory import make_client

TOKENS_POST = "POST /api/2/tenants/{tenant_id}/registration_tokens"


def token_play(**args):
    """The module, then the parts of its result that are not secret, printed by a debug task."""
    arguments = "".join("\n            %s: %s" % (key, value) for key, value in args.items())
    return textwrap.dedent("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: token
              acronis.cyber_cloud.acronis_registration_token:{arguments}
              register: registration
              ignore_errors: true
            - name: summary
              ansible.builtin.debug:
                msg:
                  changed: "{{{{ registration.changed }}}}"
                  failed: "{{{{ registration.failed | default(false) }}}}"
                  msg: "{{{{ registration.msg | default('') }}}}"
                  token_id: "{{{{ registration.token_id | default(none) }}}}"
                  token_hash: "{{{{ registration.token | default('', true) | hash('sha1') }}}}"
                  diff: "{{{{ registration.diff | default(none) }}}}"
        """).format(arguments=arguments)


def summary(run):
    return run.result("debug")["msg"]


def new_customer(sim, name):
    client = make_client(sim.conn)
    return client.post("/tenants", {"name": name, "parent_id": client.home_tenant_id(), "kind": "customer"})


def stored_tokens(sim, tenant_id):
    return [rec for rec in sim.admin.state()["registration_tokens"] if rec["tenant_id"] == tenant_id]


def test_a_token_is_created_once_reused_on_rerun_and_renewed_near_expiry_and_never_printed(runner, sim):
    tenant = new_customer(sim, "Token Customer")
    play = token_play(tenant=tenant["id"])
    checked, writes = runner.writes_during(play, check=True, diff=True)
    predicted = summary(checked)
    assert writes == 0 and predicted["changed"] is True and predicted["token_id"] is None, checked.output[-2000:]

    created, writes = runner.writes_during(play, diff=True, verbosity=4)
    real = summary(created)
    assert writes == 1 and real["changed"] is True and real["diff"] == predicted["diff"], created.output[-2000:]
    [stored] = stored_tokens(sim, tenant["id"])
    assert stored["id"] == real["token_id"]
    assert stored["token"] not in created.output
    assert created.result("acronis_registration_token").get("censored")

    again, writes = runner.writes_during(play, verbosity=4)
    assert writes == 0 and summary(again)["changed"] is False and summary(again)["token_hash"] == real["token_hash"]
    assert stored["token"] not in again.output

    # A token expiring within renew_within is not handed out: a new one is created.
    renewed, writes = runner.writes_during(token_play(tenant=tenant["id"], expires_in=7200, renew_within=300000))
    assert summary(renewed)["failed"] is True and "renew_within" in summary(renewed)["msg"] and writes == 0
    renewed, writes = runner.writes_during(token_play(tenant=tenant["id"], renew_within=259199))
    assert writes == 1 and summary(renewed)["changed"] is True
    assert summary(renewed)["token_hash"] != real["token_hash"] and len(stored_tokens(sim, tenant["id"])) == 2


def test_other_scopes_get_their_own_token(runner, sim):
    tenant = new_customer(sim, "Scoped Customer")
    scope = "urn:acronis.com:tenant-id:%s:backup_agent_admin" % tenant["id"]
    first, writes_first = runner.writes_during(token_play(tenant=tenant["id"]))
    scoped, writes_scoped = runner.writes_during(token_play(tenant=tenant["id"], scopes=[scope]))
    assert (writes_first, writes_scoped) == (1, 1)
    assert summary(first)["token_id"] != summary(scoped)["token_id"]
    assert sorted(len(rec["scopes"]) for rec in stored_tokens(sim, tenant["id"])) == [0, 1]


def test_bad_lifetimes_and_unknown_tenants_are_refused_with_zero_writes(runner, sim):
    run, writes = runner.writes_during(token_play(expires_in=0, renew_within=-1))
    result = summary(run)
    assert writes == 0 and result["failed"] is True
    assert result["msg"].startswith("expires_in: 0 is out of range") and "renew_within: -1" in result["msg"]
    run, writes = runner.writes_during(token_play(expires_in=31536001))
    assert writes == 0 and "one year" in summary(run)["msg"]
    run, writes = runner.writes_during(token_play(tenant="No Such Customer"))
    assert writes == 0 and summary(run)["msg"].startswith("tenant: no tenant named 'No Such Customer'")
