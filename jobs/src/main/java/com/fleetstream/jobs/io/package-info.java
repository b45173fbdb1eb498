/**
 * The jobs' ways out to files and AWS, for sources, sinks and the runtime (never a transformation):
 * a small file read through Hadoop's file systems ({@link com.fleetstream.jobs.io.UriText}), the AWS
 * SDK clients as the jobs build them ({@link com.fleetstream.jobs.io.AwsClients}).
 */
package com.fleetstream.jobs.io;
