# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SendGrid objects as the API answers them, built for the unit tests of more than one module."""

from __future__ import annotations

# The users of a reverse DNS entry, and the IP of the reverse DNS tests.
USERS = [{"username": "parent", "user_id": 7}]
IP = "192.0.2.10"


def auto(id=1001, domain="example.com", subdomain="em", username="parent", selector=None, eu=False, subusers=(), **fields):
    """A domain with automatic security, as SendGrid renders it (three CNAMEs)."""
    target = "u7.wl001.%ssendgrid.net" % ("eu." if eu else "")
    first, second = (selector, selector + "2") if selector else ("s1", "s2")
    obj = base(id, domain, subdomain, username, subusers, automatic_security=True)
    obj["dns"] = {
        "mail_cname": {"valid": False, "type": "cname", "host": "%s.%s" % (subdomain, domain), "data": target},
        "dkim1": {"valid": False, "type": "cname", "host": "%s._domainkey.%s" % (first, domain), "data": "%s.domainkey.%s" % (first, target)},
        "dkim2": {"valid": False, "type": "cname", "host": "%s._domainkey.%s" % (second, domain), "data": "%s.domainkey.%s" % (second, target)},
    }
    obj.update(fields)
    return obj


def manual(id=1001, domain="example.com", subdomain="mail", username="parent", selector=None, ips=(), custom_spf=False, subusers=(), **fields):
    """A domain with manual security, as SendGrid renders it (MX and TXT records)."""
    obj = base(id, domain, subdomain, username, subusers, automatic_security=False, custom_spf=custom_spf, ips=list(ips))
    host = "%s.%s" % (subdomain, domain)
    spf = "v=spf1 %s -all" % " ".join("ip4:%s" % ip for ip in ips) if custom_spf else "v=spf1 include:sendgrid.net ~all"
    obj["dns"] = {
        "mail_server": {"valid": False, "type": "mx", "host": host, "data": "mx.sendgrid.net"},
        "subdomain_spf": {"valid": False, "type": "txt", "host": host, "data": spf},
    }
    if custom_spf:
        obj["dns"]["domain_spf"] = {"valid": False, "type": "txt", "host": domain, "data": "v=spf1 include:%s -all" % host}
    obj["dns"]["dkim"] = {"valid": False, "type": "txt", "host": "%s._domainkey.%s" % (selector or "m1", domain), "data": "k=rsa; t=s; p=KEY"}
    obj.update(fields)
    return obj


def base(id, domain, subdomain, username, subusers, **fields):
    obj = {
        "id": id,
        "user_id": 7,
        "subdomain": subdomain,
        "domain": domain,
        "username": username,
        "ips": [],
        "custom_spf": False,
        "default": False,
        "legacy": False,
        "valid": False,
    }
    if subusers is not None:
        obj["subusers"] = [{"user_id": 100 + i, "username": name} for i, name in enumerate(subusers)]
    obj.update(fields)
    return obj


def link(link_id, domain="example.com", subdomain="links", default=False, valid=False, region=None, user_id=1446440):
    target = "eu.sendgrid.net" if region == "eu" else "sendgrid.net"
    raw = {
        "id": link_id,
        "domain": domain,
        "subdomain": subdomain,
        "username": "parent",
        "user_id": user_id,
        "default": default,
        "valid": valid,
        "legacy": False,
        "dns": {
            "domain_cname": {"valid": valid, "type": "cname", "host": "%s.%s" % (subdomain, domain), "data": target},
            "owner_cname": {"valid": valid, "type": "cname", "host": "%s.%s" % (user_id, domain), "data": "sendgrid.net"},
        },
    }
    if region is not None:
        raw["region"] = region
    return raw


def entry(ip=IP, domain="example.com", subdomain="email", record_id=11, number=1, valid=False, legacy=False):
    rdns = ".".join(["o%d" % number] + ([subdomain] if subdomain else []) + [domain])
    return {
        "id": record_id,
        "ip": ip,
        "rdns": rdns,
        "users": USERS,
        "subdomain": subdomain,
        "domain": domain,
        "valid": valid,
        "legacy": legacy,
        "a_record": {"valid": valid, "type": "a", "host": rdns, "data": ip},
    }
