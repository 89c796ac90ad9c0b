# -*- coding: utf-8 -*-
# Copyright: acronis.cyber_cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs acronis_registration_token in the controller (see plugin_utils/_action.py)."""

from __future__ import annotations

from ansible_collections.acronis.cyber_cloud.plugins.modules.acronis_registration_token import OPERATION
from ansible_collections.acronis.cyber_cloud.plugins.plugin_utils._action import AcronisAction


class ActionModule(AcronisAction):
    OPERATION = OPERATION
