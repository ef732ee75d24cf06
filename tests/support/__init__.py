# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the tests, the benchmark and the demo share, in one place: the collection tree (collection.py), the
ansible-playbook command line (playbooks.py) and the simulator's request log (api_log.py). A test module imports
from here, never from another test module."""
