/**
 * CronJob spec validation as kube-apiserver words it: the schedule parses with the
 * standard cron parser (a TZ= or CRON_TZ= prefix is refused: use timeZone),
 * timeZone is an explicit IANA zone the platform knows, concurrencyPolicy is one of
 * Allow/Forbid/Replace, the deadline and history limits are not negative, and the name
 * leaves room for the suffix of the Jobs it creates (52 characters). Pure.
 */
import { CronError, parseSchedule } from '../../../api/cron/cron.js';
import { isValidZone } from '../../../api/cron/zone.js';
import { type FieldError, notSupported } from '../../../api/validation/index.js';
import type { KObject } from '../../types.js';

type Obj = Record<string, unknown>;

const MAX_NAME = 52;
const ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function nonNegative(errs: FieldError[], spec: Obj, name: string): void {
  const v = spec[name];
  if (typeof v === 'number' && v < 0) {
    errs.push({
      type: 'FieldValueInvalid',
      field: `spec.${name}`,
      value: v,
      detail: 'must be greater than or equal to 0',
    });
  }
}

function timeZoneErrors(zone: unknown): FieldError[] {
  if (zone === undefined || zone === null) return [];
  const field = 'spec.timeZone';
  if (typeof zone !== 'string' || zone === '') {
    return [
      { type: 'FieldValueInvalid', field, value: zone, detail: 'timeZone must be nil or non-empty string' },
    ];
  }
  const unknown: FieldError = {
    type: 'FieldValueInvalid',
    field,
    value: zone,
    detail: `unknown time zone ${zone}`,
  };
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !ZONE_PART.test(part)) return [unknown];
  }
  if (zone.toLowerCase() === 'local') {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        value: zone,
        detail: 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      },
    ];
  }
  return isValidZone(zone) ? [] : [unknown];
}

function scheduleErrors(schedule: unknown, zone: unknown): FieldError[] {
  const field = 'spec.schedule';
  if (typeof schedule !== 'string' || schedule === '') {
    return [{ type: 'FieldValueRequired', field, detail: '' }];
  }
  const errs: FieldError[] = [];
  try {
    parseSchedule(schedule, isValidZone);
  } catch (err) {
    if (!(err instanceof CronError)) throw err;
    errs.push({ type: 'FieldValueInvalid', field, value: schedule, detail: err.message });
  }
  if (schedule.includes('TZ')) {
    if (typeof zone === 'string') {
      errs.push({
        type: 'FieldValueInvalid',
        field,
        value: schedule,
        detail: 'cannot use both timeZone field and TZ or CRON_TZ in schedule',
      });
    } else {
      errs.push({
        type: 'FieldValueInvalid',
        field,
        value: schedule,
        detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      });
    }
  }
  return errs;
}

/** Errors of a CronJob's metadata.name and spec (not its job template). */
export function validateCronJob(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = o.metadata?.name ?? '';
  if (name.length > MAX_NAME) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: name,
      detail: `must be no more than ${MAX_NAME} characters`,
    });
  }
  const spec = (o['spec'] ?? {}) as Obj;
  errs.push(...scheduleErrors(spec['schedule'], spec['timeZone']));
  errs.push(...timeZoneErrors(spec['timeZone']));
  const policy = spec['concurrencyPolicy'];
  if (policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace') {
    errs.push(
      policy === undefined || policy === ''
        ? { type: 'FieldValueRequired', field: 'spec.concurrencyPolicy', detail: '' }
        : notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']),
    );
  }
  nonNegative(errs, spec, 'startingDeadlineSeconds');
  nonNegative(errs, spec, 'successfulJobsHistoryLimit');
  nonNegative(errs, spec, 'failedJobsHistoryLimit');
  return errs;
}
