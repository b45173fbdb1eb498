-- Every alert the streaming jobs raised and what became of it, per job and rule.

-- name: alerts_by_status
SELECT job, rule, status, count(*) AS alerts
FROM fleet.alerts
GROUP BY job, rule, status
ORDER BY job, rule, status;
