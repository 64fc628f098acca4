#!/usr/bin/env python3
"""Runs AWS's SAM transform (aws-sam-translator) on template.yaml as `sam build` and `sam deploy` would hand it
to CloudFormation, offline, and prints the resulting CloudFormation template as JSON.

    python3 sam_transform.py TEMPLATE [--base-dir DIR]

Three steps, each after the SAM CLI (aws-sam-cli 1.164.0; the paths below are in its repository):

1. `sam build`: a function whose code SAM would build needs sources and a manifest; a function whose CodeUri
   is a prebuilt .zip, or that says `Metadata: SkipBuild: true`, is left alone
   (samcli/lib/providers/provider.py, get_function_build_info). The template is then written to
   .aws-sam/build/template.yaml, and the relative CodeUri of each function resource is rewritten to stay
   right from there; a CodeUri in Globals is not rewritten (samcli/commands/_utils/template.py,
   move_template and _update_relative_paths).
2. `sam deploy` packages that template (samcli/lib/package/artifact_exporter.py, Template.export): it copies
   a Globals CodeUri into functions without one (_apply_global_values), resolves each local CodeUri against
   the template's folder, uploads a file that is already a zip (a .jar is one) as it is and a folder zipped
   (samcli/lib/package/utils.py, upload_local_artifacts), and puts s3://<bucket>/<md5 of the artifact> in
   its place. Here the artifact must exist; nothing is uploaded.
3. The transform itself, with the region from AWS_DEFAULT_REGION (us-east-1 if unset) and AWS managed
   policy names resolved from the map aws-sam-translator ships, so no AWS call is made.

Exit codes: 0 and the template on stdout; 1 the transform refused the template; 3 the build or package step
would fail; 4 aws-sam-translator (or PyYAML) is not installed. Messages go to stderr.
"""

import argparse
import hashlib
import json
import os
import sys
import zipfile

INSTALL_HINT = ("aws-sam-translator is not installed for this python3: pip install aws-sam-translator cfn-lint "
                "(or check the template with the SAM CLI: sam validate --lint)")

# Where `sam build` writes its template, relative to the base directory (its --build-dir default).
BUILD_DIR = os.path.join(".aws-sam", "build")
# Any bucket name will do: the transform only needs an S3 URI.
PACKAGE_BUCKET = "lackey-sam-artifacts"


class BuildProblem(Exception):
    """What `sam build` or `sam deploy` would stop at."""


def functions(template):
    for logical_id, resource in (template.get("Resources") or {}).items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::Function":
            properties = resource.setdefault("Properties", {})
            if properties.get("PackageType", "Zip") == "Zip" and "InlineCode" not in properties:
                yield logical_id, resource, properties


def is_local_path(value):
    return isinstance(value, str) and not value.startswith(("s3://", "http://", "https://"))


def build(template, base_dir):
    """What `sam build` does to the template of prebuilt functions: checks they are not built, moves the template."""
    global_code_uri = ((template.get("Globals") or {}).get("Function") or {}).get("CodeUri")
    build_root = os.path.join(base_dir, BUILD_DIR)
    for logical_id, resource, properties in functions(template):
        # SAM CLI takes a function without CodeUri to mean the template's folder (SamFunctionProvider.DEFAULT_CODEURI)
        code_uri = properties.get("CodeUri", global_code_uri) or "."
        skip_build = bool((resource.get("Metadata") or {}).get("SkipBuild", False))
        prezipped = isinstance(code_uri, str) and code_uri.endswith(".zip")
        if is_local_path(code_uri) and not prezipped and not skip_build:
            raise BuildProblem(
                f"{logical_id}: sam build would build its code from CodeUri {code_uri!r} with the workflow of its "
                "runtime, which needs a source folder with a manifest (pom.xml, build.gradle); code built outside "
                "SAM needs Metadata: SkipBuild: true on the function")
        own = properties.get("CodeUri")
        if is_local_path(own) and not os.path.isabs(own):
            properties["CodeUri"] = os.path.relpath(os.path.normpath(os.path.join(base_dir, own)), build_root)
    return build_root


def package(template, template_dir):
    """What `sam deploy` does with local code: each function's CodeUri becomes the S3 URI of its uploaded artifact."""
    global_code_uri = ((template.get("Globals") or {}).get("Function") or {}).get("CodeUri")
    for logical_id, _, properties in functions(template):
        from_globals = "CodeUri" not in properties and global_code_uri is not None
        if from_globals:
            properties["CodeUri"] = global_code_uri
        code_uri = properties.get("CodeUri")
        if code_uri is None:
            raise BuildProblem(f"{logical_id}: no CodeUri: sam deploy would zip and upload the template's whole folder")
        if isinstance(code_uri, dict) or not is_local_path(code_uri):
            continue
        local = os.path.normpath(os.path.join(template_dir, code_uri))
        if os.path.isfile(local):
            if not zipfile.is_zipfile(local):
                raise BuildProblem(f"{logical_id}: CodeUri {local} is a file but not a zip or jar archive")
            with open(local, "rb") as artifact:
                key = hashlib.md5(artifact.read()).hexdigest()
        elif os.path.isdir(local):
            key = hashlib.md5(local.encode("utf-8")).hexdigest()
        else:
            raise BuildProblem(
                f"{logical_id}: CodeUri {code_uri!r} resolves to {local}, which does not exist: sam deploy would "
                "have nothing to upload" + (" (it comes from Globals, which sam build does not rewrite for its "
                                            ".aws-sam/build/template.yaml: give each function its own CodeUri)"
                                            if from_globals else " (build the jar first with ./mvnw package)"))
        properties["CodeUri"] = f"s3://{PACKAGE_BUCKET}/{key}"


def transform(template):
    from samtranslator.translator.transform import transform as sam_transform

    try:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    except ImportError:  # older aws-sam-translator: no bundled map, so no managed policy names resolve
        def get_bundled_managed_policy_map(_partition):
            return {}

    class BundledManagedPolicies:
        """The managed-policy loader the transform asks for names in Policies, answered offline."""

        def load(self):
            return get_bundled_managed_policy_map("aws") or {}

    return sam_transform(template, {}, BundledManagedPolicies())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template")
    parser.add_argument("--base-dir", help="the folder to take the template to be in, where its relative CodeUri "
                                           "paths start (default: the template's own folder)")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    try:
        from samtranslator.public.exceptions import InvalidDocumentException
        from samtranslator.yaml_helper import yaml_parse
    except ImportError as missing:
        print(f"{INSTALL_HINT} ({missing})", file=sys.stderr)
        return 4
    with open(args.template, encoding="utf-8") as text:
        template = yaml_parse(text.read())
    base_dir = os.path.abspath(args.base_dir or os.path.dirname(os.path.abspath(args.template)))
    try:
        build_root = build(template, base_dir)
        package(template, build_root)
    except BuildProblem as problem:
        print(f"sam build/deploy: {problem}", file=sys.stderr)
        return 3
    try:
        transformed = transform(template)
    except InvalidDocumentException as invalid:
        for cause in invalid.causes:
            print(f"transform: {cause.message}", file=sys.stderr)
        return 1
    json.dump(transformed, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
