{{/*
Names, labels, images, secret references and the checks that refuse unsafe values.
*/}}

{{- define "sovereign-router.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sovereign-router.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sovereign-router.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "sovereign-router.labels" -}}
helm.sh/chart: {{ include "sovereign-router.chart" . }}
app.kubernetes.io/name: {{ include "sovereign-router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sovereign-router
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of the router pods. */}}
{{- define "sovereign-router.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sovereign-router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: router
{{- end -}}

{{/* Labels of router objects. */}}
{{- define "sovereign-router.routerLabels" -}}
{{ include "sovereign-router.labels" . }}
app.kubernetes.io/component: router
{{- end -}}

{{/* Selector labels of every vLLM pod of the release. */}}
{{- define "sovereign-router.vllmSelectorLabels" -}}
app.kubernetes.io/name: {{ include "sovereign-router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: vllm
{{- end -}}

{{/* Selector labels of one vLLM model: (dict "ctx" $ "name" $name). */}}
{{- define "sovereign-router.vllmModelSelectorLabels" -}}
{{ include "sovereign-router.vllmSelectorLabels" .ctx }}
sovereign-router/model: {{ .name }}
{{- end -}}

{{/* Labels of one vLLM model's objects: (dict "ctx" $ "name" $name). */}}
{{- define "sovereign-router.vllmLabels" -}}
{{ include "sovereign-router.labels" .ctx }}
app.kubernetes.io/component: vllm
sovereign-router/model: {{ .name }}
{{- end -}}

{{/* Name of one vLLM model's objects: (dict "ctx" $ "name" $name). */}}
{{- define "sovereign-router.vllmFullname" -}}
{{- printf "%s-vllm-%s" (include "sovereign-router.fullname" .ctx) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* An image reference from (dict "image" $image "defaultTag" $tag). A digest wins over a tag. */}}
{{- define "sovereign-router.imageRef" -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository (default .defaultTag .image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "sovereign-router.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sovereign-router.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* "true" when the router pods need a Kubernetes API token: only for a cloud identity. */}}
{{- define "sovereign-router.automountToken" -}}
{{- if kindIs "bool" .Values.serviceAccount.automountToken -}}
{{- .Values.serviceAccount.automountToken -}}
{{- else -}}
{{- $identity := .Values.serviceAccount.cloudIdentity -}}
{{- or (ne $identity.awsRoleArn "") (ne $identity.gcpServiceAccount "") -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret the chart renders for inline (trial) secret values. */}}
{{- define "sovereign-router.secretName" -}}
{{- printf "%s-secrets" (include "sovereign-router.fullname" .) -}}
{{- end -}}

{{/*
Where one secret lives, as YAML `name:`/`key:`, or nothing when it is not configured.
Call with (dict "ctx" $ "cfg" .Values.anthropic "inline" "apiKey" "key" "anthropic-api-key").
An existingSecret wins over an inline value.
*/}}
{{- define "sovereign-router.secretRef" -}}
{{- if .cfg.existingSecret -}}
name: {{ .cfg.existingSecret }}
key: {{ .cfg.existingSecretKey }}
{{- else if index .cfg .inline -}}
name: {{ include "sovereign-router.secretName" .ctx }}
key: {{ .key }}
{{- end -}}
{{- end -}}

{{/* The inline secret values the chart must render, as YAML key: base64 value. */}}
{{- define "sovereign-router.inlineSecretData" -}}
{{- $v := .Values -}}
{{- if and $v.audit.keyEncryptionKey (not $v.audit.existingSecret) }}
audit-kek: {{ $v.audit.keyEncryptionKey | b64enc }}
{{- end }}
{{- if and $v.anthropic.apiKey (not $v.anthropic.existingSecret) }}
anthropic-api-key: {{ $v.anthropic.apiKey | b64enc }}
{{- end }}
{{- if and $v.database.url (not $v.database.existingSecret) }}
database-url: {{ $v.database.url | b64enc }}
{{- end }}
{{- if and $v.oidc.clientSecret (not $v.oidc.existingSecret) }}
oidc-client-secret: {{ $v.oidc.clientSecret | b64enc }}
{{- end }}
{{- if and $v.dashboardSession.secret (not $v.dashboardSession.existingSecret) }}
dashboard-session-secret: {{ $v.dashboardSession.secret | b64enc }}
{{- end }}
{{- if and $v.redis.url (not $v.redis.existingSecret) }}
redis-url: {{ $v.redis.url | b64enc }}
{{- end }}
{{- if and $v.vllm.huggingFace.token (not $v.vllm.huggingFace.existingSecret) (include "sovereign-router.vllmModels" . | fromYaml) }}
hf-token: {{ $v.vllm.huggingFace.token | b64enc }}
{{- end }}
{{- end -}}

{{/* "true" when the router uses SQLite in its data directory (no database configured). */}}
{{- define "sovereign-router.usesSqlite" -}}
{{- and (not .Values.database.url) (not .Values.database.existingSecret) -}}
{{- end -}}

{{/* Name of the SQLite data PVC. */}}
{{- define "sovereign-router.dataClaimName" -}}
{{- default (printf "%s-data" (include "sovereign-router.fullname" .)) .Values.database.sqlite.persistence.existingClaim -}}
{{- end -}}

{{/*
The enabled vLLM models with their defaults filled in, as YAML: name -> settings.
Templates iterate over `include "sovereign-router.vllmModels" . | fromYaml`.
*/}}
{{- define "sovereign-router.vllmModels" -}}
{{- $out := dict -}}
{{- range $name, $m := .Values.vllm.models -}}
{{- if ne (toString (dig "enabled" true $m)) "false" -}}
{{- $tp := int (default 1 $m.tensorParallelSize) -}}
{{- $route := default dict $m.route -}}
{{- $cache := mergeOverwrite (dict "type" "pvc" "size" "100Gi" "storageClass" "" "accessModes" (list "ReadWriteOnce") "existingClaim" "") (default dict $m.cache) -}}
{{- $_ := set $out $name (dict
  "model" $m.model
  "servedModelName" (default $name $m.servedModelName)
  "replicas" (int (default 1 $m.replicas))
  "tensorParallelSize" $tp
  "maxModelLen" $m.maxModelLen
  "gpuMemoryUtilization" $m.gpuMemoryUtilization
  "extraArgs" (default list $m.extraArgs)
  "env" (default list $m.env)
  "resources" (default (dict "requests" (dict "cpu" "4" "memory" "32Gi") "limits" (dict "memory" "64Gi")) $m.resources)
  "cache" $cache
  "nodeSelector" (ternary $m.nodeSelector $.Values.vllm.nodeSelector (hasKey $m "nodeSelector"))
  "tolerations" (ternary $m.tolerations $.Values.vllm.tolerations (hasKey $m "tolerations"))
  "affinity" (ternary $m.affinity $.Values.vllm.affinity (hasKey $m "affinity"))
  "podAnnotations" (default dict $m.podAnnotations)
  "routeName" (default (printf "vllm-%s" $name) $route.name)
  "capabilities" (default (list "chat" "completions") $route.capabilities)
  "description" (default (printf "%s served by the in-house vLLM Deployment %s." $m.model (include "sovereign-router.vllmFullname" (dict "ctx" $ "name" $name))) $route.description)
) -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* "true" when a model cache's access modes let several pods mount it. */}}
{{- define "sovereign-router.vllmCacheShared" -}}
{{- or (has "ReadWriteMany" .accessModes) (has "ReadOnlyMany" .accessModes) -}}
{{- end -}}

{{/*
The policy files the chart renders, as YAML: file name -> content. Each section of
values.policy becomes one file; the vLLM routes get a generated file of their own.
*/}}
{{- define "sovereign-router.policyFiles" -}}
{{- $p := .Values.policy -}}
{{- $files := dict -}}
{{- $api := "sovereign-router/v1" -}}
{{- $header := "# Rendered by the sovereign-router Helm chart from values.policy: edit the values, not this file.\n" -}}
{{- range $section := list "routes" "models" "workloads" "tiers" -}}
{{- $content := index $p $section -}}
{{- if $content -}}
{{- $_ := set $files (printf "%s.yaml" $section) (printf "%s%s" $header (toYaml (dict "apiVersion" $api $section $content))) -}}
{{- end -}}
{{- end -}}
{{- if $p.mfaValues -}}
{{- $_ := set $files "settings.yaml" (printf "%s%s" $header (toYaml (dict "apiVersion" $api "mfa_values" $p.mfaValues))) -}}
{{- end -}}
{{- $vllmRoutes := dict -}}
{{- range $name, $m := include "sovereign-router.vllmModels" . | fromYaml -}}
{{- $_ := set $vllmRoutes $m.routeName (dict
  "kind" "openai_compatible"
  "model" $m.servedModelName
  "data_boundary" "on_prem"
  "endpoints" (list (printf "http://%s:8000/v1" (include "sovereign-router.vllmFullname" (dict "ctx" $ "name" $name))))
  "capabilities" $m.capabilities
  "description" $m.description
) -}}
{{- end -}}
{{- if $vllmRoutes -}}
{{- $_ := set $files "generated-vllm-routes.yaml" (printf "# Generated by the sovereign-router Helm chart: one on_prem route per enabled vLLM model.\n%s" (toYaml (dict "apiVersion" $api "routes" $vllmRoutes))) -}}
{{- end -}}
{{- range $fileName, $content := $p.files -}}
{{- $_ := set $files $fileName $content -}}
{{- end -}}
{{- toYaml $files -}}
{{- end -}}

{{/*
Refuse values that the router would refuse at start, or that would be unsafe. Every problem is
listed at once. Included by every template that depends on these values.
*/}}
{{- define "sovereign-router.validate" -}}
{{- $v := .Values -}}
{{- $errors := list -}}
{{- $production := eq $v.environment "production" -}}
{{- $sqlite := eq (include "sovereign-router.usesSqlite" .) "true" -}}
{{- /* Audit key-encryption key. */ -}}
{{- if and $production (not $v.audit.existingSecret) (not $v.audit.keyEncryptionKey) -}}
{{- $errors = append $errors "audit.existingSecret (or audit.keyEncryptionKey) is required in production: the router refuses to start without an audit key-encryption key." -}}
{{- end -}}
{{- if and $v.audit.keyEncryptionKey (not $v.audit.existingSecret) (ne (len (b64dec $v.audit.keyEncryptionKey)) 32) -}}
{{- $errors = append $errors "audit.keyEncryptionKey must be 32 random bytes in base64 (openssl rand -base64 32)." -}}
{{- end -}}
{{- /* Dashboard login: its cookies are sealed with a session secret shared by replicas. */ -}}
{{- $login := or $v.oidc.existingSecret $v.oidc.clientSecret -}}
{{- $session := or $v.dashboardSession.existingSecret $v.dashboardSession.secret -}}
{{- if and $production $login (not $session) -}}
{{- $errors = append $errors "dashboardSession.existingSecret (or dashboardSession.secret) is required in production with the dashboard login (oidc): the router refuses to start without a session secret." -}}
{{- end -}}
{{- if and $v.dashboardSession.secret (not $v.dashboardSession.existingSecret) (lt (len $v.dashboardSession.secret) 32) -}}
{{- $errors = append $errors "dashboardSession.secret must be at least 32 characters (openssl rand -base64 48)." -}}
{{- end -}}
{{- /* Database. */ -}}
{{- if and $production $sqlite -}}
{{- $errors = append $errors "database.existingSecret (or database.url) is required in production: the router refuses SQLite in production." -}}
{{- end -}}
{{- if and $sqlite (or (gt (int $v.replicaCount) 1) $v.autoscaling.enabled) -}}
{{- $errors = append $errors "SQLite allows a single replica: set replicaCount: 1 and autoscaling.enabled: false, or configure PostgreSQL in database.existingSecret." -}}
{{- end -}}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) -}}
{{- $errors = append $errors "autoscaling.minReplicas is greater than autoscaling.maxReplicas." -}}
{{- end -}}
{{- if and $v.pdb.enabled (not (kindIs "invalid" $v.pdb.minAvailable)) (not (kindIs "invalid" $v.pdb.maxUnavailable)) -}}
{{- $errors = append $errors "pdb: set either minAvailable or maxUnavailable, not both (null the other)." -}}
{{- end -}}
{{- /* Ingress. */ -}}
{{- if and $v.ingress.enabled (not $v.ingress.tls) (not $v.ingress.allowPlaintext) -}}
{{- $errors = append $errors "ingress.tls is required: requests carry PHI. Set ingress.allowPlaintext: true only when TLS terminates in front of the ingress controller." -}}
{{- end -}}
{{- /* Policy. */ -}}
{{- $p := $v.policy -}}
{{- $models := include "sovereign-router.vllmModels" . | fromYaml -}}
{{- if $p.existingConfigMap -}}
{{- if or $p.routes $p.models $p.workloads $p.tiers $p.mfaValues $p.files -}}
{{- $errors = append $errors "policy.existingConfigMap excludes policy.routes/models/workloads/tiers/mfaValues/files: the policy must come from one place." -}}
{{- end -}}
{{- if $models -}}
{{- $errors = append $errors "policy.existingConfigMap is set, so the chart cannot add the vLLM routes: list them in your ConfigMap and disable vllm.models, or render the policy from values." -}}
{{- end -}}
{{- else -}}
{{- if not (or $p.routes $p.models $p.workloads $p.tiers $p.files $models) -}}
{{- $errors = append $errors "policy is empty: set policy.routes/models/workloads/tiers (or policy.files, or policy.existingConfigMap). The router refuses an empty policy." -}}
{{- end -}}
{{- range $fileName, $_ := $p.files -}}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9._-]*\\.ya?ml$" $fileName) -}}
{{- $errors = append $errors (printf "policy.files: %q is not a policy file name (letters, digits, '.', '_', '-', ending in .yaml)." $fileName) -}}
{{- end -}}
{{- if has $fileName (list "routes.yaml" "models.yaml" "workloads.yaml" "tiers.yaml" "settings.yaml" "generated-vllm-routes.yaml") -}}
{{- $errors = append $errors (printf "policy.files: %q is a name the chart renders itself; choose another file name." $fileName) -}}
{{- end -}}
{{- end -}}
{{- /* Every route the chart knows about, with its boundary. */ -}}
{{- $boundaries := dict -}}
{{- range $name, $route := $p.routes -}}
{{- $_ := set $boundaries $name $route.data_boundary -}}
{{- end -}}
{{- range $name, $m := $models -}}
{{- if hasKey $p.routes $m.routeName -}}
{{- $errors = append $errors (printf "vllm.models.%s: its route %q is also defined in policy.routes; rename one (vllm.models.%s.route.name)." $name $m.routeName $name) -}}
{{- end -}}
{{- $_ := set $boundaries $m.routeName "on_prem" -}}
{{- end -}}
{{- /* References can be checked when no raw file may define more routes. */ -}}
{{- if not $p.files -}}
{{- range $tier, $routes := $p.tiers -}}
{{- range $route := $routes -}}
{{- if not (hasKey $boundaries $route) -}}
{{- $errors = append $errors (printf "policy.tiers.%s: unknown route %q." $tier $route) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $model, $spec := $p.models -}}
{{- range $route := $spec.routes -}}
{{- if not (hasKey $boundaries $route) -}}
{{- $errors = append $errors (printf "policy.models.%s: unknown route %q." $model $route) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* Invariant 1, checked before the router ever sees the policy. */ -}}
{{- range $route := (default list (index (default dict $p.tiers) "phi_heavy")) -}}
{{- $boundary := index $boundaries $route -}}
{{- if and $boundary (ne $boundary "on_prem") -}}
{{- $errors = append $errors (printf "policy.tiers.phi_heavy: route %q has data_boundary %s; phi_heavy data never leaves the premises (on_prem routes only)." $route $boundary) -}}
{{- end -}}
{{- end -}}
{{- /* A Claude route on Anthropic's API needs its key. */ -}}
{{- range $name, $route := $p.routes -}}
{{- if and (eq (toString $route.kind) "anthropic") (ne (toString $route.enabled) "false") (not $v.anthropic.existingSecret) (not $v.anthropic.apiKey) -}}
{{- $errors = append $errors (printf "policy.routes.%s is an enabled anthropic route: set anthropic.existingSecret (or anthropic.apiKey), or set enabled: false." $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* vLLM models. */ -}}
{{- range $name, $m := $models -}}
{{- if not $m.model -}}
{{- $errors = append $errors (printf "vllm.models.%s.model is required (a Hugging Face model id or a path in the model cache)." $name) -}}
{{- end -}}
{{- if and (gt (int $m.replicas) 1) (eq $m.cache.type "pvc") (eq (include "sovereign-router.vllmCacheShared" $m.cache) "false") -}}
{{- $errors = append $errors (printf "vllm.models.%s: %d replicas cannot share a ReadWriteOnce model cache; use a ReadWriteMany or ReadOnlyMany volume (and say so in cache.accessModes, also for an existingClaim), or cache.type emptyDir." $name (int $m.replicas)) -}}
{{- end -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n\nsovereign-router: these values cannot be deployed:\n  - %s\n" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{/* HTTP probe settings from values: (dict "path" "/readyz" "port" "http" "cfg" $probe). */}}
{{- define "sovereign-router.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
{{- range $field := list "initialDelaySeconds" "periodSeconds" "timeoutSeconds" "successThreshold" "failureThreshold" }}
{{- if hasKey $.cfg $field }}
{{ $field }}: {{ index $.cfg $field }}
{{- end }}
{{- end }}
{{- end -}}

{{/* NetworkPolicy egress rules to one destination {cidrs, peers, ports}; nothing when empty. */}}
{{- define "sovereign-router.egressTo" -}}
{{- if or .cidrs .peers }}
- to:
    {{- range .cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
    {{- with .peers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    {{- range .ports }}
    - protocol: TCP
      port: {{ . }}
    {{- end }}
{{- end }}
{{- end -}}
