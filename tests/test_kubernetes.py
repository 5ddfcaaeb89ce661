"""Kubernetes collection details and bad input: rendered stdin, kustomize namespaces, alias bombs."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import scan_json, write_tree

from seawall.cli import main

CRONJOB = """apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          initContainers:
          - name: init
            image: busybox:1.36
            securityContext: {runAsUser: 0}
          containers:
          - name: job
            image: registry.example/job@sha256:%s
            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
""" % ("a" * 64)


def test_cronjob_init_containers_and_pod_level_merge(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"k8s/cron.yaml": CRONJOB})
    _, report = scan_json(root, "--select", "CR1-002,CR1-006,SC1-002")
    found = {(f["check"], f["message"].split(":")[0]) for f in report["findings"]}
    # The init container overrides the pod's runAsNonRoot with uid 0; the pod's seccomp applies to both.
    assert ("CR1-002", "CronJob default/nightly, initContainer init") in found
    assert not any(check == "CR1-006" for check, _ in found)
    assert ("SC1-002", "CronJob default/nightly, initContainer init") in found


def test_list_kind_and_kustomize_namespace(tmp_path: Path) -> None:
    items = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers: [{name: c, image: nginx}]\n"
    root = write_tree(
        tmp_path,
        {
            "app/pods.yaml": items,
            "app/kustomization.yaml": "namespace: shop\nresources: [pods.yaml]\n",
        },
    )
    _, report = scan_json(root, "--select", "SI3-002")
    [finding] = report["findings"]
    assert (
        "namespace shop" in finding["message"]
        and "workloads no policy selects: a" in finding["message"]
    )


def test_rendered_manifests_from_stdin(tmp_path: Path) -> None:
    rendered = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: from-helm, namespace: web}\nspec:\n  containers: [{name: c, image: nginx}]\n"
    result = CliRunner().invoke(
        main,
        ["scan", str(tmp_path), "--k8s-rendered", "-", "--format", "json", "--select", "CR1-004"],
        input=rendered,
    )
    report = json.loads(result.stdout)
    [finding] = report["findings"]
    assert finding["resource"] == "Pod/web/from-helm" and finding["path"] is None


def test_non_kubernetes_yaml_is_skipped_and_malformed_manifests_are_errors(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "config/app.yaml": "database:\n  host: localhost\n  pool: 5\n",
            "k8s/broken.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: [\n",
            "k8s/ok.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers: [{name: c, image: nginx}]\n",
        },
    )
    _, report = scan_json(root, "--select", "CR1-004")
    assert [e["path"] for e in report["errors"]] == ["k8s/broken.yaml"]
    assert [f["path"] for f in report["findings"]] == ["k8s/ok.yaml"]


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: lol}",
        'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    root = write_tree(
        tmp_path,
        {
            "k8s/bomb.yaml": "\n".join(lines) + "\n",
            "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n",
        },
    )
    started = time.monotonic()
    _, report = scan_json(root, "--select", "CR1-004,SI2-002,SC1-005")
    assert time.monotonic() - started < 30  # shared references, never expanded
    assert [f["path"] for f in report["findings"] if f["check"] == "CR1-004"] == ["k8s/pod.yaml"]
