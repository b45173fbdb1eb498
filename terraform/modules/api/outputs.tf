output "url" {
  description = "The API and the live map."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/"
}

output "user_pool_id" {
  description = "The Cognito user pool operators are invited to (aws cognito-idp admin-create-user)."
  value       = aws_cognito_user_pool.this.id
}

output "map_client_id" {
  description = "The map's app client: the JWT authorizer's audience."
  value       = aws_cognito_user_pool_client.map.id
}

output "oauth_url" {
  description = "The hosted UI the map signs in at (authorization code with PKCE)."
  value       = local.oauth_url
}

output "function_name" {
  description = "The API's Lambda."
  value       = aws_lambda_function.api.function_name
}

output "role_arn" {
  description = "The Lambda's role."
  value       = aws_iam_role.api.arn
}

output "api_id" {
  description = "The HTTP API."
  value       = aws_apigatewayv2_api.this.id
}
