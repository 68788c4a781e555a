import type { GetContactResponse } from '../../schemas/generated/row-types.js';
import { isoFromUnixSeconds, json, numberOrNull, stringOrNull } from './columns.js';
import type { RespondIoContact } from './types.js';

/** respond.io's contact body → Get Contact's output columns (List Contacts' rows have the same shape). Missing or null keys become null; extra keys are ignored. */
export function contactRow(contact: RespondIoContact): GetContactResponse {
  return {
    StatusCode: 200,
    Message: null,
    ID: numberOrNull(contact.id),
    Status: stringOrNull(contact.status),
    Tags: json(contact.tags),
    Assignee: json(contact.assignee),
    CreatedAt: isoFromUnixSeconds(contact.created_at),
    FirstName: stringOrNull(contact.firstName),
    LastName: stringOrNull(contact.lastName),
    Phone: stringOrNull(contact.phone),
    Email: stringOrNull(contact.email),
    Language: stringOrNull(contact.language),
    ProfilePictureUrl: stringOrNull(contact.profilePic),
    CountryCode: stringOrNull(contact.countryCode),
    CustomFields: json(contact.custom_fields),
  };
}

