# Alarms routed to an operations topic: Glue job failures (EventBridge), Kinesis consumers falling
# behind or throttled, records lost (expired unread, counts that do not add up), late events above
# their usual level, notifier errors and failed events. A streaming job that fails or times out is
# started again (EventBridge -> Step Functions -> glue:StartJobRun, after a pause); an alarm says
# when that keeps happening.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

resource "aws_sns_topic" "ops" {
  name              = "${var.name_prefix}-ops"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "ops_email" {
  for_each  = toset(var.ops_email_subscribers)
  topic_arn = aws_sns_topic.ops.arn
  protocol  = "email"
  endpoint  = each.value
}

data "aws_iam_policy_document" "ops_topic" {
  statement {
    sid       = "AlarmsAndEvents"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.ops.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "ops" {
  arn    = aws_sns_topic.ops.arn
  policy = data.aws_iam_policy_document.ops_topic.json
}

resource "aws_cloudwatch_event_rule" "glue_failed" {
  name        = "${var.name_prefix}-glue-job-failed"
  description = "A Glue job of the pipeline failed, timed out or stopped."
  event_pattern = jsonencode({
    source      = ["aws.glue"]
    detail-type = ["Glue Job State Change"]
    detail = {
      jobName = var.job_names
      state   = ["FAILED", "TIMEOUT", "STOPPED"]
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "glue_failed" {
  rule = aws_cloudwatch_event_rule.glue_failed.name
  arn  = aws_sns_topic.ops.arn
}

resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  for_each            = toset(var.stream_names)
  alarm_name          = "${each.value}-iterator-age"
  alarm_description   = "The streaming job reading ${each.value} is falling behind."
  namespace           = "AWS/Kinesis"
  metric_name         = "GetRecords.IteratorAgeMilliseconds"
  dimensions          = { StreamName = each.value }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = var.iterator_age_alarm_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  ok_actions          = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# The jobs' own view of the same: how far behind each stream's tip their reading is (our Kinesis
# source's MillisBehindLatest, published by the job), per job where several read one stream. No
# value for 5 minutes means the job is not running or cannot publish: also an alarm.
resource "aws_cloudwatch_metric_alarm" "consumer_lag" {
  for_each            = toset(var.consumer_lag_metrics)
  alarm_name          = "${replace(each.value, "/", "-")}-consumer-lag"
  alarm_description   = "${split("/", each.value)[0]} reads ${split("/", each.value)[1]} further behind its tip than consumer_lag_alarm_ms, or reports nothing."
  namespace           = var.metrics_namespace
  metric_name         = "MillisBehindLatest"
  dimensions          = { JobName = split("/", each.value)[0], StreamName = split("/", each.value)[1] }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  threshold           = var.consumer_lag_alarm_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  ok_actions          = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# Records that expired unread, which the source read past (FAIL_ON_DATA_LOSS false): lost for good.
resource "aws_cloudwatch_metric_alarm" "expired_gaps" {
  for_each            = toset(var.consumer_lag_metrics)
  alarm_name          = "${replace(each.value, "/", "-")}-expired-gaps"
  alarm_description   = "${split("/", each.value)[0]} read past records of ${split("/", each.value)[1]} that expired unread: they are lost."
  namespace           = var.metrics_namespace
  metric_name         = "ExpiredGaps"
  dimensions          = { JobName = split("/", each.value)[0], StreamName = split("/", each.value)[1] }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# A batch whose counts do not add up (valid rows neither kept, nor duplicate, nor late): a loss.
resource "aws_cloudwatch_metric_alarm" "unaccounted" {
  for_each            = toset(var.streaming_job_names)
  alarm_name          = "${each.value}-unaccounted-rows"
  alarm_description   = "${each.value} had a batch whose counts do not add up; its log's ERROR line names the query and batch."
  namespace           = var.metrics_namespace
  metric_name         = "Unaccounted"
  dimensions          = { JobName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# Late events above their usual level (a device whose clock drifts, a reader far behind): CloudWatch's
# anomaly band over two weeks of the job's own history, not a fixed number every fleet would need to tune.
resource "aws_cloudwatch_metric_alarm" "late_events" {
  for_each            = toset(var.streaming_job_names)
  alarm_name          = "${each.value}-late-events-rise"
  alarm_description   = "${each.value} tags more events late than its usual band."
  comparison_operator = "GreaterThanUpperThreshold"
  evaluation_periods  = 3
  threshold_metric_id = "band"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags

  metric_query {
    id          = "late"
    return_data = true
    metric {
      namespace   = var.metrics_namespace
      metric_name = "LateEvents"
      dimensions  = { JobName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id          = "band"
    expression  = "ANOMALY_DETECTION_BAND(late, 3)"
    label       = "LateEvents (expected)"
    return_data = true
  }
}

resource "aws_cloudwatch_metric_alarm" "read_throttled" {
  for_each            = toset(var.stream_names)
  alarm_name          = "${each.value}-read-throughput-exceeded"
  alarm_description   = "Reads of ${each.value} are throttled (more consumers than the shards allow)."
  namespace           = "AWS/Kinesis"
  metric_name         = "ReadProvisionedThroughputExceeded"
  dimensions          = { StreamName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# A Lambda error is a failed event for the notifier; for the API, whose every request is answered
# (an error too), a failed start or a timeout.
locals {
  lambda_errors = {
    notifier = { function = var.lambda_function_name, description = "The notifier failed on an event." }
    api      = { function = var.api_function_name, description = "The fleet API's Lambda failed outside a request (its start, a timeout): every request it answers, even with an error, is no Lambda error." }
  }
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each            = local.lambda_errors
  alarm_name          = "${each.value.function}-errors"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value.function }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# the notifier's alarm, made before the API's joined it
moved {
  from = aws_cloudwatch_metric_alarm.notifier_errors
  to   = aws_cloudwatch_metric_alarm.lambda_errors["notifier"]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.api_function_name}-5xx"
  alarm_description   = "The fleet API answered 5xx (PostgreSQL or Kinesis not answering, the Lambda failing) more than api_5xx_threshold times in 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = var.api_id, Stage = "$default" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.api_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# Every fix is a history row kept 90 days: a full disk stops the PostgreSQL sinks and the streaming
# jobs with them. Storage autoscaling grows the disk when less than a tenth is free; the alarm says so
# (and says when autoscaling has reached its limit).
resource "aws_cloudwatch_metric_alarm" "postgres_free_storage" {
  alarm_name          = "${var.postgres_instance_identifier}-free-storage"
  alarm_description   = "The reporting database has less than a tenth of its storage free: autoscaling grows it up to max_allocated_storage; past that, raise postgres_storage_gb or shorten PG_HISTORY_RETENTION."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = var.postgres_instance_identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.postgres_storage_gb * 100000000 # a tenth, in bytes
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "postgres_write_latency" {
  alarm_name          = "${var.postgres_instance_identifier}-write-latency"
  alarm_description   = "The reporting database's writes are slow (disk at its IOPS or throughput limit): the sinks' batches take longer and the streaming jobs fall behind."
  namespace           = "AWS/RDS"
  metric_name         = "WriteLatency"
  dimensions          = { DBInstanceIdentifier = var.postgres_instance_identifier }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = var.postgres_write_latency_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.dead_letter_queue_name}-not-empty"
  alarm_description   = "Events the notifier gave up on wait in the queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# Restarts: a streaming job runs until stopped, so a run that FAILED or TIMED OUT is started again
# from its checkpoint. A run an operator STOPPED stays stopped.
resource "aws_cloudwatch_event_rule" "streaming_failed" {
  name        = "${var.name_prefix}-streaming-job-failed"
  description = "A streaming Glue job of the pipeline failed or timed out: start it again."
  event_pattern = jsonencode({
    source      = ["aws.glue"]
    detail-type = ["Glue Job State Change"]
    detail = {
      jobName = var.streaming_job_names
      state   = ["FAILED", "TIMEOUT"]
    }
  })
  tags = var.tags
}

resource "aws_sfn_state_machine" "restart" {
  name     = "${var.name_prefix}-restart-streaming-job"
  role_arn = aws_iam_role.restart.arn
  definition = jsonencode({
    Comment = "Starts a streaming Glue job that failed again, after a pause."
    StartAt = "Pause"
    States = {
      Pause = { Type = "Wait", Seconds = var.restart_delay_seconds, Next = "StartJobRun" }
      StartJobRun = {
        Type       = "Task"
        Resource   = "arn:aws:states:::glue:startJobRun"
        Parameters = { "JobName.$" = "$.detail.jobName" }
        # someone started it meanwhile: nothing to do
        Catch = [{ ErrorEquals = ["Glue.ConcurrentRunsExceededException"], Next = "AlreadyRunning" }]
        End   = true
      }
      AlreadyRunning = { Type = "Succeed" }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "restart" {
  rule     = aws_cloudwatch_event_rule.streaming_failed.name
  arn      = aws_sfn_state_machine.restart.arn
  role_arn = aws_iam_role.events_restart.arn
}

# The backstop: Glue delivers its state-change events best effort
# (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-glue.html), and a lost FAILED event
# would leave a streaming job down. Every 10 minutes each streaming job's latest run is looked at; one
# that ended FAILED, TIMEOUT or ERROR is started again. A run an operator STOPPED stays stopped, and a
# job that never ran waits for its first run (after the writer-login job, as docs/deploy.md orders).
resource "aws_sfn_state_machine" "backstop" {
  name     = "${var.name_prefix}-streaming-backstop"
  role_arn = aws_iam_role.restart.arn
  definition = jsonencode({
    Comment = "Starts a streaming Glue job whose latest run failed, in case its failure event was lost."
    StartAt = "LatestRun"
    States = {
      LatestRun = {
        Type       = "Task"
        Resource   = "arn:aws:states:::aws-sdk:glue:getJobRuns"
        Parameters = { "JobName.$" = "$.jobName", MaxResults = 1 }
        ResultPath = "$.latest"
        Next       = "HasRun"
      }
      # apart: a Choice rule that reads a path the input lacks fails the execution
      HasRun = {
        Type    = "Choice"
        Choices = [{ Variable = "$.latest.JobRuns[0].JobRunState", IsPresent = false, Next = "NothingToDo" }]
        Default = "Failed"
      }
      Failed = {
        Type = "Choice"
        Choices = [{
          Or = [
            { Variable = "$.latest.JobRuns[0].JobRunState", StringEquals = "FAILED" },
            { Variable = "$.latest.JobRuns[0].JobRunState", StringEquals = "TIMEOUT" },
            { Variable = "$.latest.JobRuns[0].JobRunState", StringEquals = "ERROR" }
          ]
          Next = "StartJobRun"
        }]
        Default = "NothingToDo"
      }
      StartJobRun = {
        Type       = "Task"
        Resource   = "arn:aws:states:::glue:startJobRun"
        Parameters = { "JobName.$" = "$.jobName" }
        # the restart machine started it meanwhile
        Catch = [{ ErrorEquals = ["Glue.ConcurrentRunsExceededException"], Next = "NothingToDo" }]
        End   = true
      }
      NothingToDo = { Type = "Succeed" }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "backstop" {
  name                = "${var.name_prefix}-streaming-backstop"
  description         = "Looks at each streaming Glue job's latest run, in case a failure event was lost."
  schedule_expression = "rate(10 minutes)"
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "backstop" {
  for_each = toset(var.streaming_job_names)
  rule     = aws_cloudwatch_event_rule.backstop.name
  arn      = aws_sfn_state_machine.backstop.arn
  role_arn = aws_iam_role.events_restart.arn
  input    = jsonencode({ jobName = each.value })
}

resource "aws_cloudwatch_metric_alarm" "restarts" {
  alarm_name          = "${var.name_prefix}-streaming-restarts"
  alarm_description   = "Streaming jobs were restarted ${var.restart_alarm_count} times or more within an hour: they keep failing."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsStarted"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.restart.arn }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = var.restart_alarm_count
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.ops.arn]
  tags                = var.tags
}

# who may take the restart's roles: Step Functions for the state machine, EventBridge for the rule
data "aws_iam_policy_document" "assume" {
  for_each = toset(["states", "events"])
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "restart" {
  name               = "${var.name_prefix}-restart-streaming-job"
  assume_role_policy = data.aws_iam_policy_document.assume["states"].json
  tags               = var.tags
}

data "aws_iam_policy_document" "restart" {
  statement {
    # GetJobRuns: the backstop's look at the latest run
    sid       = "StartStreamingJobs"
    actions   = ["glue:StartJobRun", "glue:GetJobRuns"]
    resources = [for j in var.streaming_job_names : "arn:aws:glue:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:job/${j}"]
  }
}

resource "aws_iam_role_policy" "restart" {
  name   = "${var.name_prefix}-restart-streaming-job"
  role   = aws_iam_role.restart.id
  policy = data.aws_iam_policy_document.restart.json
}

resource "aws_iam_role" "events_restart" {
  name               = "${var.name_prefix}-events-restart"
  assume_role_policy = data.aws_iam_policy_document.assume["events"].json
  tags               = var.tags
}

data "aws_iam_policy_document" "events_restart" {
  statement {
    sid       = "StartRestart"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.restart.arn, aws_sfn_state_machine.backstop.arn]
  }
}

resource "aws_iam_role_policy" "events_restart" {
  name   = "${var.name_prefix}-events-restart"
  role   = aws_iam_role.events_restart.id
  policy = data.aws_iam_policy_document.events_restart.json
}
