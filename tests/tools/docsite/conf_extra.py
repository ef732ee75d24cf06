
# --- added by tests/tools/release.sh (docs stage) ---------------------------------------------
project = "mailops.sendgrid"
copyright = "mailops.sendgrid contributors"
title = "mailops.sendgrid documentation"
html_short_title = "mailops.sendgrid"

# The site is built offline, so no intersphinx inventory is fetched. The generated plugin pages refer to
# two labels of the Ansible docsite; a small local inventory resolves them to their pages there.
def _write_ansible_inventory(path):
    import zlib

    entries = [
        ("ansible_configuration_settings", "reference_appendices/config.html#$", "Ansible Configuration Settings"),
        ("common_return_values", "reference_appendices/common_return_values.html#$", "Return Values"),
    ]
    body = "".join("%s std:label -1 %s %s\n" % entry for entry in entries)
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
    with open(path, "wb") as handle:
        handle.write(header.encode("utf-8") + zlib.compress(body.encode("utf-8")))


_ANSIBLE_INVENTORY = __import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "ansible_devel.inv")
_write_ansible_inventory(_ANSIBLE_INVENTORY)
intersphinx_mapping = {"ansible_devel": ("https://docs.ansible.com/projects/ansible/devel/", _ANSIBLE_INVENTORY)}
# docs/reliability.md and docs/performance.md are Markdown, written by the test suites.
extensions.append("myst_parser")
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 3
