# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: render
short_description: Render a template file with the task's variables, without copying them
version_added: 0.2.0
description:
  - Renders each template file (found in C(templates/) of the role or play, as M(ansible.builtin.template#lookup) finds
    it) with the variables the task sees, plus O(template_vars).
  - M(ansible.builtin.template#lookup) deep-copies every variable of the host before it renders, so its cost grows
    with the size of the play (the lists of all hosts and groups) and with large registered results; over hundreds
    of hosts that is most of a run's time. This lookup lends the template the variables as they are. Use it for
    templates that only read their variables (a template that changes a variable's list or dict in place would change
    the host's variable); the C(sender_setup) role renders its summary and zone-file snippet with it.
  - Template options are Ansible's defaults (C(trim_blocks) on); there are no C(ansible_managed) or C(template_*) variables.
author:
  - mailops.sendgrid maintainers (@mailops)
options:
  _terms:
    description: The template files.
    type: list
    elements: str
    required: true
  template_vars:
    description: Variables the template sees in addition to (and over) the task's variables.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: The summary lines of the sender
  ansible.builtin.set_fact:
    summary: "{{ lookup('mailops.sendgrid.render', 'summary.j2') | trim | split('\n') }}"
"""

RETURN = r"""
_raw:
  description: The rendered text of each template.
  type: list
  elements: str
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.template import trust_as_template


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        variables = variables or {}
        # A shallow layer over the task's variables: the values themselves are lent, not copied.
        available = dict(variables)
        available.update(self.get_option("template_vars") or {})
        templar = self._templar.copy_with_new_env(available_variables=available)
        rendered = []
        for term in terms:
            path = self.find_file_in_search_path(variables, "templates", term)
            if not path:
                raise AnsibleLookupError("the template file %s could not be found for the lookup" % term)
            source = trust_as_template(self._loader.get_text_file_contents(path))
            rendered.append(templar.template(source, escape_backslashes=False))
        return rendered
