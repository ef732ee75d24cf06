# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DKIM public keys for tests: real ones from ``cryptography`` when it is installed (ansible-core needs it, so the
dev venv has it), and DER built by hand for sizes no library generates any more (512 bits)."""

from __future__ import annotations

import base64


def _der(tag, body):
    length = len(body)
    if length < 0x80:
        head = bytes([length])
    else:
        raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + body


def der_integer(value):
    return _der(0x02, value.to_bytes((value.bit_length() + 8) // 8, "big"))  # a leading zero byte keeps it positive


def bare_rsa_key(bits):
    """An RSAPublicKey (PKCS#1) DER whose modulus has ``bits`` bits: not a usable key, only its size is real."""
    return _der(0x30, der_integer((1 << (bits - 1)) | 1) + der_integer(65537))


def spki_of_size(bits):
    """A SubjectPublicKeyInfo DER (what DKIM's p= holds) around ``bare_rsa_key(bits)``."""
    algorithm = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + _der(0x05, b""))
    return _der(0x30, algorithm + _der(0x03, b"\x00" + bare_rsa_key(bits)))


def real_spki(bits):
    """A SubjectPublicKeyInfo DER of a freshly generated RSA key, or None without ``cryptography``."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        return None
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def dkim_record(der):
    return "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
