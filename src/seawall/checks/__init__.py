"""The check registry: check id -> module, imported lazily.

IDs are permanent and never reused. Each module defines ``META`` (a
:class:`~seawall._model.CheckMeta`) and ``run(evidence) -> CheckOutcome``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from seawall._model import CheckMeta
from seawall.checks._api import CheckOutcome, Evidence

__all__ = ["REGISTRY", "LoadedCheck", "all_checks", "control_of", "load_check"]

REGISTRY: dict[str, str] = {
    "SI1-001": "seawall.checks.env_file_committed",
    "SI1-002": "seawall.checks.private_key_committed",
    "SI1-003": "seawall.checks.precommit_secret_scan_missing",
    "SI1-004": "seawall.checks.secret_committed",
    "SI1-005": "seawall.checks.key_rotation_overdue",
    "MI2-001": "seawall.checks.log_contains_secret",
    # Terraform
    "SI3-003": "seawall.checks.tf_open_ingress",
    "CR1-010": "seawall.checks.tf_imds_v1_allowed",
    "ED1-004": "seawall.checks.tf_unencrypted_at_rest",
    "ED1-005": "seawall.checks.tf_kms_rotation_disabled",
    "ED1-006": "seawall.checks.tf_tls_in_transit",
    "SI1-006": "seawall.checks.tf_literal_credential",
    "SI1-007": "seawall.checks.tf_secret_not_rotated",
    "SI2-003": "seawall.checks.tf_iam_wildcards",
    "BR1-001": "seawall.checks.tf_database_backups_weak",
    "BR1-002": "seawall.checks.tf_backup_bucket_weak",
    "BR1-003": "seawall.checks.tf_backup_plan_weak",
    "CP2-002": "seawall.checks.tf_environments_not_separated",
    "MI2-002": "seawall.checks.log_pii_redaction_rate",
    "MI2-003": "seawall.checks.tf_log_retention",
    "CR1-001": "seawall.checks.dockerfile_runs_as_root",
    "SC1-001": "seawall.checks.base_image_not_digest_pinned",
    "SC2-001": "seawall.checks.workflow_token_not_read_only",
    # Live PostgreSQL audit
    "ED1-001": "seawall.checks.pg_tls_weak",
    "ED2-001": "seawall.checks.pg_plaintext_sensitive_columns",
    "ED3-001": "seawall.checks.pg_tenant_table_without_rls",
    "ED3-002": "seawall.checks.pg_rls_not_forced",
    "ED3-003": "seawall.checks.pg_rls_policy_weak",
    "ED3-004": "seawall.checks.pg_policy_not_tenant_scoped",
    "ED3-005": "seawall.checks.pg_view_bypasses_rls",
    "ED3-006": "seawall.checks.pg_superuser_logins",
    "ED3-007": "seawall.checks.pg_app_role_privileged",
    "ED3-008": "seawall.checks.pg_no_read_write_separation",
    "ED3-009": "seawall.checks.pg_public_privileges",
    "ED3-010": "seawall.checks.pg_shared_admin_account",
    "ED3-011": "seawall.checks.pg_md5_passwords",
    "ED3-012": "seawall.checks.pg_admin_query_share",
    "MI1-001": "seawall.checks.pg_detection_logging",
    "SI3-001": "seawall.checks.pg_hba_trust_or_open",
    "SI2-001": "seawall.checks.pg_elevation_unrecorded_or_expired",
    "CP1-001": "seawall.checks.pg_elevation_too_long",
    # Kubernetes, images and CI/CD
    "CR1-002": "seawall.checks.k8s_runs_as_root",
    "CR1-003": "seawall.checks.k8s_privilege_escalation",
    "CR1-004": "seawall.checks.k8s_writable_root_filesystem",
    "CR1-005": "seawall.checks.k8s_capabilities_not_dropped",
    "CR1-006": "seawall.checks.k8s_no_seccomp_profile",
    "CR1-007": "seawall.checks.k8s_host_namespaces",
    "CR1-008": "seawall.checks.k8s_service_account_token_mounted",
    "CR1-009": "seawall.checks.dockerfile_final_stage_has_shell",
    "SI3-002": "seawall.checks.k8s_namespace_without_default_deny",
    "MI3-001": "seawall.checks.k8s_namespace_without_egress_restriction",
    "CR2-001": "seawall.checks.mesh_mtls_not_strict",
    "CR2-002": "seawall.checks.database_reachable_from_everywhere",
    "SI2-002": "seawall.checks.k8s_rbac_overbroad",
    "SC1-002": "seawall.checks.k8s_image_not_digest_pinned",
    "SC1-003": "seawall.checks.action_not_pinned_to_sha",
    "SC1-004": "seawall.checks.image_pipeline_missing_controls",
    "SC1-005": "seawall.checks.no_signature_admission_policy",
    "SC2-002": "seawall.checks.prod_deploy_without_environment",
    "SC2-003": "seawall.checks.untrusted_checkout_in_privileged_trigger",
    "SC2-004": "seawall.checks.expression_injection_in_run",
    "SC2-005": "seawall.checks.self_hosted_runner_on_public_trigger",
    "SC2-006": "seawall.checks.gitlab_prod_job_unprotected",
    "SC2-007": "seawall.checks.checkout_persists_credentials",
    "SC2-008": "seawall.checks.github_env_in_privileged_trigger",
    "SC2-009": "seawall.checks.cache_in_release_workflow",
    # PII in non-prod data
    "ED2-002": "seawall.checks.pii_unmasked_in_non_prod",
    "CP2-001": "seawall.checks.prod_data_in_non_prod",
    # Live TLS endpoints
    "ED1-002": "seawall.checks.tls_grade_below_required",
    "ED1-003": "seawall.checks.tls_certificate_expiring",
}


@dataclass(frozen=True)
class LoadedCheck:
    """A check's metadata and its function."""

    meta: CheckMeta
    run: Callable[[Evidence], CheckOutcome]


def control_of(check_id: str) -> str:
    """The control a check belongs to, from its id (``CR1-004`` -> ``CR-1``), without importing it.

    Check ids are the control id without its dash, a dash and a number; load_check
    enforces that the module's metadata agrees.
    """
    prefix = check_id.split("-", 1)[0]
    return f"{prefix[:-1]}-{prefix[-1]}"


@cache
def load_check(check_id: str) -> LoadedCheck:
    """Import one check's module; KeyError for an unknown id."""
    module = importlib.import_module(REGISTRY[check_id])
    meta: CheckMeta = module.META
    if meta.id != check_id:
        raise RuntimeError(f"{REGISTRY[check_id]} declares id {meta.id}, registered as {check_id}")
    if meta.control != control_of(check_id):
        raise RuntimeError(
            f"{check_id} belongs to {meta.control}, but its id says {control_of(check_id)}"
        )
    return LoadedCheck(meta, module.run)


def all_checks() -> tuple[LoadedCheck, ...]:
    """Every registered check, in id order."""
    return tuple(load_check(check_id) for check_id in sorted(REGISTRY))
