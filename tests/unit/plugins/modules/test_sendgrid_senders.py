# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""sendgrid_senders (issue 17): many senders, each account's lists read once, the lookups answered from them."""

from __future__ import annotations

from ansible_collections.mailops.sendgrid.plugins.modules import sendgrid_senders as module
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.answers import auto, entry, link
from ansible_collections.mailops.sendgrid.tests.unit.plugins.modules.utils import Call, writes

PAGE = {"limit": 500, "offset": 0}
SENDERS = [
    {"host": "shop", "domain": "shop.example.com", "subdomain": "em", "link_subdomain": "links", "ips": ["192.0.2.10"], "ip_pool": "shop"},
    {"host": "news", "domain": "news.example.com", "subdomain": "em", "link_subdomain": "links", "ips": ["192.0.2.11"], "ip_pool": "news"},
]


def account(valid=True):
    """The whole account as SendGrid lists it: two pools with one IP each, their reverse DNS, domains and links."""
    ips = [{"ip": "192.0.2.10", "pools": ["shop"], "subusers": []}, {"ip": "192.0.2.11", "pools": ["news"], "subusers": []}]
    rdns = [entry(ip="192.0.2.10", domain="shop.example.com", record_id=11, valid=valid),
            entry(ip="192.0.2.11", domain="news.example.com", record_id=12, valid=valid)]
    domains = [dict(auto(id=1001, domain="shop.example.com"), valid=valid), dict(auto(id=1002, domain="news.example.com"), valid=valid)]
    links = [link(7, domain="shop.example.com", valid=valid), link(8, domain="news.example.com", valid=valid)]
    return [
        Call("GET", "/v3/ips/pools", 200, [{"name": "shop"}, {"name": "news"}]),
        Call("GET", "/v3/ips", 200, ips, query=PAGE),
        Call("GET", "/v3/whitelabel/ips", 200, rdns, query=PAGE),
        Call("GET", "/v3/whitelabel/domains", 200, domains, query=dict(PAGE, exclude_subusers="true")),
        Call("GET", "/v3/whitelabel/links", 200, links, query={"limit": 3000}),
    ]


def test_two_senders_with_nothing_to_do_read_each_list_once(run):
    result = run(module, {"senders": SENDERS}, account())
    assert result["changed"] is False and writes(result) == [] and result["failed_hosts"] == []
    assert result["accounts"] == ["parent"]
    shop = result["senders"]["shop"]
    assert shop["pool"]["pool"] == {"name": "shop", "ips": ["192.0.2.10"]}
    assert shop["domain"]["domain"]["id"] == 1001 and shop["link"]["link"]["id"] == 7
    assert shop["reverse_dns"]["192.0.2.10"]["reverse_dns"]["rdns"] == "o1.email.shop.example.com"
    assert result["senders"]["news"]["domain"]["domain"]["id"] == 1002


def test_each_sender_has_its_records_its_validity_and_its_summary_lines(run):
    # What the role's fleet path sets per host as plain references (no template compiled for each host).
    dmarc = {"name": "_dmarc.shop.example.com", "type": "TXT", "value": "v=DMARC1; p=none"}
    senders = [dict(SENDERS[0], summary_facts={"dmarc_value": "v=DMARC1; p=none", "dns_email": ""}, extra_dns_records=[dmarc]), SENDERS[1]]
    result = run(module, {"senders": senders}, account(valid=False))
    shop = result["senders"]["shop"]
    assert shop["valid"] is False
    # The objects' records in the role's order, then the records the sender adds (the role's DMARC record).
    assert shop["dns_records"] == (shop["reverse_dns"]["192.0.2.10"]["dns_records"] + shop["domain"]["dns_records"] + shop["link"]["dns_records"]
                                   + [dmarc])
    # Another sender's extra records are its own: news has its objects' records only.
    news = result["senders"]["news"]
    assert news["dns_records"] == news["reverse_dns"]["192.0.2.11"]["dns_records"] + news["domain"]["dns_records"] + news["link"]["dns_records"]
    assert [record["name"] for record in shop["dns_records"]][0] == "o1.email.shop.example.com"
    assert shop["summary"][0] == "IP pool         shop [192.0.2.10]: unchanged"
    assert shop["summary"][-1] == "DMARC           _dmarc.shop.example.com: v=DMARC1; p=none"
    assert [line[:16] for line in result["senders"]["news"]["summary"]] == ["IP pool         ", "Reverse DNS     ", "Domain auth     ", "Link branding   "]
    assert "NOT VALID" in result["senders"]["news"]["summary"][2]
    # Once every object is valid, so is the sender (the role then skips validation).
    valid = run(module, {"senders": SENDERS}, account())
    assert [valid["senders"][host]["valid"] for host in ("shop", "news")] == [True, True]


def test_a_sender_whose_ip_is_not_on_the_account_fails_alone(run):
    senders = [dict(SENDERS[0]), dict(SENDERS[1], ips=["198.51.100.7"], ip_pool="fresh")]
    calls = account()[:2] + account()[2:]
    result = run(module, {"senders": senders}, calls)
    assert result["failed_hosts"] == ["news"] and writes(result) == []
    assert "198.51.100.7 is not a dedicated IP" in result["senders"]["news"]["pool"]["msg"]
    assert result["senders"]["shop"]["domain"]["changed"] is False


def test_a_host_given_twice_is_refused_before_any_request(run):
    result = run(module, {"senders": [SENDERS[0], SENDERS[0]]}, [])
    assert result["failed"] is True and result["_requests"] == []
    assert "shop more than once" in result["msg"]


def test_a_rate_limit_wait_in_a_subusers_account_is_reported(run):
    # The fleet makes one client per account: the waits of every one of them are the task's waits.
    sender = {"host": "sub", "domain": "shop.example.com", "subdomain": "em", "link_branding": False, "on_behalf_of": "acme"}
    too_many = {"errors": [{"field": None, "message": "too many requests"}]}
    # One sender in the account: the single module's filtered lookup, not the whole list.
    query = dict(PAGE, domain="shop.example.com", exclude_subusers="true")
    domains = Call("GET", "/v3/whitelabel/domains", 200, [dict(auto(id=1001, domain="shop.example.com"), valid=True)], query=query)
    calls = [Call("GET", "/v3/whitelabel/domains", 429, too_many, query=query, headers={"Retry-After": "6"}), domains]
    result = run(module, {"senders": [sender]}, calls)
    assert result["accounts"] == ["parent", "acme"] and result["senders"]["sub"]["domain"]["changed"] is False
    assert result["rate_limit"] == {"waited": 6.0, "answers_429": 1}


def test_one_sender_sends_exactly_the_single_modules_lookups(run):
    # A snapshot reads five lists; one sender's own lookups are four: the fleet path of one sender costs no more.
    valid = account()
    calls = [
        Call("GET", "/v3/ips/pools/shop", 200, {"pool_name": "shop", "ips": ["192.0.2.10"]}),
        Call("GET", "/v3/whitelabel/ips", 200, valid[2].json[:1], query=dict(PAGE, ip="192.0.2.10")),
        Call("GET", "/v3/whitelabel/domains", 200, valid[3].json[:1], query=dict(PAGE, domain="shop.example.com", exclude_subusers="true")),
        Call("GET", "/v3/whitelabel/links", 200, valid[4].json, query={"limit": 3000}),
    ]
    result = run(module, {"senders": SENDERS[:1]}, calls)
    assert result["changed"] is False and writes(result) == [] and result["failed_hosts"] == []
    assert result["senders"]["shop"]["domain"]["domain"]["id"] == 1001


def test_state_absent_deletes_every_senders_objects_in_the_teardown_order(run):
    # Link branding, domain authentication, reverse DNS, pool: the order of playbooks/teardown.yml. Each list is read
    # once: a delete takes its object out of the snapshot (the next sender's lookup does not read the list again);
    # a pool delete changes the IPs' pools too, so the pool lists are read again.
    pools, ips, rdns, domains, links = account()
    calls = [
        links, Call("DELETE", "/v3/whitelabel/links/7", 204, None),
        domains, Call("DELETE", "/v3/whitelabel/domains/1001", 204, None),
        rdns, Call("DELETE", "/v3/whitelabel/ips/11", 204, None),
        pools, ips, Call("DELETE", "/v3/ips/pools/shop", 204, None),
        Call("DELETE", "/v3/whitelabel/links/8", 204, None),
        Call("DELETE", "/v3/whitelabel/domains/1002", 204, None),
        Call("DELETE", "/v3/whitelabel/ips/12", 204, None),
        Call("GET", pools.path, 200, pools.json[1:]), Call("GET", ips.path, 200, ips.json[1:], query=ips.query),
        Call("DELETE", "/v3/ips/pools/news", 204, None),
    ]
    result = run(module, {"senders": SENDERS, "state": "absent"}, calls)
    assert result["changed"] is True and result["failed_hosts"] == []
    news = result["senders"]["news"]
    assert [news[step]["changed"] for step in ("link", "domain", "pool")] + [news["reverse_dns"]["192.0.2.11"]["changed"]] == [True] * 4


def test_a_delete_whose_answer_is_lost_makes_its_list_read_again(run):
    # A 500 on a DELETE may or may not have deleted: the snapshot of that list is not trusted any more (the links'
    # list, whose delete SendGrid confirmed, still is).
    pools, ips, rdns, domains, links = account()
    boom = {"errors": [{"field": None, "message": "internal error"}]}
    senders = [dict(SENDERS[0], ip_pool=None, reverse_dns=False, ips=[]), dict(SENDERS[1], ip_pool=None, reverse_dns=False, ips=[])]
    calls = [
        links, Call("DELETE", "/v3/whitelabel/links/7", 204, None),
        domains,
    ] + [Call("DELETE", "/v3/whitelabel/domains/1001", 500, boom)] * 4 + [
        Call("DELETE", "/v3/whitelabel/links/8", 204, None),
        Call("GET", domains.path, 200, domains.json, query=domains.query), Call("DELETE", "/v3/whitelabel/domains/1002", 204, None),
    ]
    result = run(module, {"senders": senders, "state": "absent"}, calls)
    assert result["failed_hosts"] == ["shop"]
    assert result["senders"]["news"]["domain"]["changed"] is True


def test_a_teardown_racing_another_finds_the_object_gone_and_reads_no_list_again(run):
    # Another teardown deleted shop's domain between our read and our DELETE: 404 is "gone", not a failure, and the
    # snapshot drops it as after any confirmed delete (news' lookup is answered from memory).
    pools, ips, rdns, domains, links = account()
    gone = {"errors": [{"field": None, "message": "resource not found"}]}
    senders = [dict(s, ip_pool=None, reverse_dns=False, ips=[], link_branding=False) for s in SENDERS]
    calls = [
        domains, Call("DELETE", "/v3/whitelabel/domains/1001", 404, gone),
        Call("DELETE", "/v3/whitelabel/domains/1002", 204, None),
    ]
    result = run(module, {"senders": senders, "state": "absent"}, calls)
    assert result["failed_hosts"] == []
    assert result["senders"]["news"]["domain"]["changed"] is True
