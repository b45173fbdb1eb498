# The fleet API: API Gateway HTTP API (Cognito JWT authorizer) -> Lambda (Java 17, SnapStart on the
# "live" alias, in the private subnets) -> PostgreSQL as a read-only login, Kinesis for POST /positions.
# The map is served by the same Lambda (GET /, /web/*, /config.json), so page and API share one origin
# and no CORS. The routes come from the OpenAPI document the API serves: a route with security there
# has the JWT authorizer here.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  openapi = jsondecode(file(var.openapi_file))
  # "GET /vehicles/{id}/location" -> whether it takes a token; API Gateway's greedy {file+} for the map's files
  operations = flatten([
    for path, operations in local.openapi.paths : [
      for method, operation in operations : {
        key           = format("%s %s", upper(method), replace(path, local.file_segment, local.greedy_segment))
        authenticated = length(lookup(operation, "security", local.openapi.security)) > 0
      }
    ]
  ])
  routes         = { for o in local.operations : o.key => o.authenticated }
  file_segment   = "{file}"
  greedy_segment = "{file+}"
  issuer         = "https://${aws_cognito_user_pool.this.endpoint}"
  # the hosted UI's origin: the map signs in at its /oauth2/authorize and /oauth2/token (code with PKCE)
  oauth_url = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.name}.amazoncognito.com"
}

resource "aws_cognito_user_pool" "this" {
  name                     = "${var.name_prefix}-fleet"
  deletion_protection      = "ACTIVE"
  auto_verified_attributes = ["email"]
  username_attributes      = ["email"]
  mfa_configuration        = "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }
  # operators are invited by an administrator, no one signs up
  admin_create_user_config {
    allow_admin_create_user_only = true
  }
  password_policy {
    minimum_length    = 12
    require_lowercase = true
    require_uppercase = true
    require_numbers   = true
    require_symbols   = false
  }
  tags = var.tags
}

resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.cognito_domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}

# The map: a public client (no secret) signing in through the hosted UI, back to the map's own URL,
# with an authorization code and PKCE only: the implicit grant would put tokens in the URL
# (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints-oauth-grants.html).
resource "aws_cognito_user_pool_client" "map" {
  name                                 = "${var.name_prefix}-map"
  user_pool_id                         = aws_cognito_user_pool.this.id
  generate_secret                      = false
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email"]
  callback_urls                        = ["${aws_apigatewayv2_api.this.api_endpoint}/"]
  supported_identity_providers         = ["COGNITO"]
  explicit_auth_flows                  = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  access_token_validity                = 1
  id_token_validity                    = 1
  token_validity_units {
    access_token = "hours"
    id_token     = "hours"
  }
  prevent_user_existence_errors = "ENABLED"
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/lambda/${var.name_prefix}-api"
  retention_in_days = 30
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name_prefix}-api"
  retention_in_days = 30
  tags              = var.tags
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "api" {
  name               = "${var.name_prefix}-api"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
  tags               = var.tags
}

data "aws_iam_policy_document" "api" {
  statement {
    sid       = "PutPositions"
    actions   = ["kinesis:PutRecords"]
    resources = [var.location_stream_arn]
  }
  statement {
    sid       = "ReadLogin"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.postgres_secret_arn]
  }
  statement {
    sid       = "ReadArtifacts"
    actions   = ["s3:GetObject"]
    resources = [for key in local.artifact_keys : "${var.artifacts_bucket_arn}/${key}"]
  }
  statement {
    # the stream's and the secret's key: Kinesis encrypts what the API puts, Secrets Manager decrypts the login
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.api.arn}:*"]
  }
  statement {
    # Lambda makes the function's network interfaces in the subnets with the role's rights
    sid       = "VpcAccess"
    actions   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
    resources = ["*"]
  }
}

locals {
  artifact_keys = compact([var.geofences_key, var.postgres_ca_bundle_key])
}

resource "aws_iam_role_policy" "api" {
  name   = "${var.name_prefix}-api"
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api.json
}

resource "aws_lambda_function" "api" {
  function_name    = "${var.name_prefix}-api"
  role             = aws_iam_role.api.arn
  runtime          = "java17"
  handler          = "com.fleetstream.api.LambdaHandler::handleRequest"
  s3_bucket        = var.artifacts_bucket
  s3_key           = var.lambda_jar_key
  source_code_hash = var.lambda_jar_sha256
  memory_size      = var.memory_mb
  # API Gateway gives up on an integration after 30 s
  timeout = 29
  publish = true
  # each instance holds PG_POOL_SIZE connections: the reader login's CONNECTION LIMIT (48) bounds the
  # product, and a reservation (where the account's quota allows one) keeps it within that
  reserved_concurrent_executions = var.max_concurrency

  snap_start {
    apply_on = "PublishedVersions"
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [var.security_group_id]
  }

  environment {
    variables = merge({
      PG_URL          = var.postgres_jdbc_url
      PG_SECRET_ID    = var.postgres_secret_arn
      PG_POOL_SIZE    = tostring(var.pool_size)
      LOCATION_STREAM = var.location_stream_name
      AUTH            = "api-gateway"
      JWT_ISSUER      = local.issuer
      JWT_AUDIENCE    = aws_cognito_user_pool_client.map.id
      OAUTH_URL       = local.oauth_url
      MAX_EVENT_AGE   = var.max_event_age
      MAX_RANGE       = var.max_range
      }, var.postgres_ca_bundle_key == null ? {} : { PG_SSL_ROOT_CERT = "s3://${var.artifacts_bucket}/${var.postgres_ca_bundle_key}" },
    var.geofences_key == null ? {} : { GEOFENCES = "s3://${var.artifacts_bucket}/${var.geofences_key}" })
  }

  lifecycle {
    precondition {
      condition     = var.max_concurrency == null ? true : var.max_concurrency * var.pool_size <= 48
      error_message = "max_concurrency * pool_size must be at most 48, the reader login's CONNECTION LIMIT."
    }
  }

  # Publishing a version runs its SnapStart init with the role's rights: the policy is there first.
  # (The network's endpoints come first by the module's depends_on in each environment.)
  depends_on = [aws_cloudwatch_log_group.api, aws_iam_role_policy.api]
  tags       = var.tags
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.api.function_name
  function_version = aws_lambda_function.api.version
}

resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name_prefix}-api"
  protocol_type = "HTTP"
  description   = "fleetstream: positions, history, alerts, ingestion, the live map"
  tags          = var.tags
}

resource "aws_apigatewayv2_authorizer" "cognito" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    issuer   = local.issuer
    audience = [aws_cognito_user_pool_client.map.id]
  }
}

resource "aws_apigatewayv2_integration" "lambda" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_alias.live.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 29000
}

resource "aws_apigatewayv2_route" "this" {
  for_each           = local.routes
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.lambda.id}"
  authorization_type = each.value ? "JWT" : "NONE"
  authorizer_id      = each.value ? aws_apigatewayv2_authorizer.cognito.id : null
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true
  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp", routeKey = "$context.routeKey",
      status    = "$context.status", latencyMs = "$context.responseLatency", sub = "$context.authorizer.claims.sub",
      error     = "$context.integrationErrorMessage"
    })
  }
  tags = var.tags
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "ApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
