import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ISO_COUNTRY_CODE_LIST, TERRITORY_GROUPS } from '../../../../libs/contracts/src/territories.js';
import { Public } from '../auth/roles.decorator.js';

const EXAMPLE_GROUP = TERRITORY_GROUPS.find((g) => g.code === 'north-america')!;

/** The territories every `territory` field takes, for clients to offer and check: vocabulary, not data, so no key. */
@ApiTags('contracts')
@Controller('territories')
export class TerritoriesController {
  private readonly territories = {
    countries: ISO_COUNTRY_CODE_LIST,
    groups: TERRITORY_GROUPS.map(({ code, name, description, countries }) => ({ code, name, description, countries })),
  };

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Every territory code: the ISO 3166-1 alpha-2 countries and the named territory groups with their countries',
    description:
      'A `territory` (titles, company credits, releases, deal works) or `territories` (deals) takes a country code or a group code. ' +
      'Stored facts keep the code given; queries expand it: `/projects?country=CA` finds a release in `north-america` or `XW` (worldwide).',
  })
  @ApiOkResponse({
    schema: {
      example: { countries: ['AD', 'AE', '…', 'ZW'], groups: [{ code: EXAMPLE_GROUP.code, name: EXAMPLE_GROUP.name, description: EXAMPLE_GROUP.description, countries: EXAMPLE_GROUP.countries }] },
    },
  })
  list() {
    return this.territories;
  }
}
