/**
 * What a reviewer knows of Docker's official images without pulling them: which names are
 * official, which tags a few common ones can have, which tools a variant ships, and which port
 * a server image listens on. Each table is small on purpose and says where its facts come from;
 * an image or tag a table does not know is left unchecked, never failed.
 */
import type { ImageName } from './docker-cli.js'

/**
 * Docker Official Images: the names in docker-library/official-images' `library/` folder
 * (current and recently deprecated ones). A one-word image name not in this list is not
 * something `docker pull` can fetch from Docker Hub.
 */
export const OFFICIAL_IMAGES = new Set(
  (
    'adminer aerospike almalinux alpine alt amazoncorretto amazonlinux api-firewall arangodb archlinux ' +
    'backdrop bash bonita buildpack-deps busybox caddy cassandra centos chronograf cirros clearlinux ' +
    'clefos clickhouse clojure composer convertigo couchbase couchdb crate dart debian docker drupal ' +
    'eclipse-mosquitto eclipse-temurin eggdrop elasticsearch elixir emqx erlang fedora flink fluentd ' +
    'friendica gazebo gcc geonetwork ghost golang gradle groovy haproxy haskell haxe hello-world hitch ' +
    'httpd hylang ibm-semeru-runtimes ibmjava influxdb irssi java jenkins jetty jobber joomla jruby julia ' +
    'kapacitor kibana kong krakend liquibase logstash mageia mariadb matomo maven mediawiki memcached ' +
    'mongo mongo-express monica mono mysql nats neo4j neurodebian nextcloud nginx node notary odoo ' +
    'open-liberty openjdk opensuse oraclelinux orientdb percona perl photon php php-zendserver phpmyadmin ' +
    'plone postfixadmin postgres pypy python r-base rabbitmq rakudo-star redis redmine registry ' +
    'rethinkdb rocket.chat rockylinux ruby rust sapmachine satosa scratch silverpeas solr sonarqube ' +
    'spiped storm swift swipl teamspeak telegraf tomcat tomee traefik ubuntu unit varnish ' +
    'websphere-liberty wordpress xwiki yourls znc zookeeper'
  ).split(' '),
)

const VERSION = /^\d+(?:\.\d+){0,2}(?:(?:a|b|rc)\d+)?$/
const DATE = /^\d{8}$/
const ALPINE_RELEASE = /^alpine\d+\.\d+$/
const WINDOWS = /^(?:windowsservercore|nanoserver|ltsc\d{4}|\d{4}|1809|1903|1909|2004|20h2)$/
const DEBIAN_SUITES = ['trixie', 'bookworm', 'bullseye', 'buster', 'stretch', 'jessie']

/**
 * The words a tag of each image is made of, besides versions: from each image's tag list on
 * Docker Hub and the variants its docker-library repository builds (docker-library/python,
 * nodejs/docker-node, docker-library/golang, rust-lang/docker-rust, debuerreotype for debian,
 * docker-library/ubuntu… via Canonical, alpinelinux/docker-alpine, nginx/docker-nginx).
 */
const TAG_WORDS: Record<string, { words: string[]; versions: boolean; codenames?: string[] }> = {
  python: { words: ['slim', 'alpine', 'rc', ...DEBIAN_SUITES], versions: true },
  node: {
    words: ['slim', 'alpine', ...DEBIAN_SUITES],
    versions: true,
    codenames: [
      'lts',
      'current',
      'argon',
      'boron',
      'carbon',
      'dubnium',
      'erbium',
      'fermium',
      'gallium',
      'hydrogen',
      'iron',
      'jod',
      'krypton',
    ],
  },
  golang: { words: ['alpine', ...DEBIAN_SUITES], versions: true, codenames: ['tip'] },
  rust: { words: ['slim', 'alpine', ...DEBIAN_SUITES], versions: true },
  debian: {
    words: ['slim', 'backports'],
    versions: true,
    codenames: [
      ...DEBIAN_SUITES,
      'sid',
      'experimental',
      'oldstable',
      'stable',
      'testing',
      'unstable',
      'rc-buggy',
    ],
  },
  ubuntu: {
    words: [],
    versions: true,
    codenames: [
      'trusty',
      'xenial',
      'bionic',
      'focal',
      'jammy',
      'kinetic',
      'lunar',
      'mantic',
      'noble',
      'oracular',
      'plucky',
      'questing',
      'devel',
      'rolling',
    ],
  },
  alpine: { words: [], versions: true, codenames: ['edge'] },
  nginx: {
    words: ['alpine', 'slim', 'perl', 'otel', ...DEBIAN_SUITES],
    versions: true,
    codenames: ['mainline', 'stable'],
  },
}

/** Images whose tag grammar {@link tagProblem} knows. */
export function knowsTags(image: ImageName): boolean {
  return image.official && TAG_WORDS[image.familiar] !== undefined
}

/**
 * Why an official image cannot have this tag, or undefined when the grammar allows it (or does
 * not know the image). Conservative: a tag is refused only for a word no tag of the image has.
 */
export function tagProblem(image: ImageName): string | undefined {
  const grammar = image.official ? TAG_WORDS[image.familiar] : undefined
  const tag = image.tag
  if (!grammar || tag === undefined || tag === 'latest') return undefined
  const words = tag.split('-')
  const known = new Set([...grammar.words, ...(grammar.codenames ?? [])])
  const bad = words.filter(
    (w, i) =>
      !(
        known.has(w) ||
        (grammar.versions && i === 0 && VERSION.test(w)) ||
        ALPINE_RELEASE.test(w) ||
        DATE.test(w) ||
        WINDOWS.test(w) ||
        (w === 'buggy' && words[i - 1] === 'rc')
      ),
  )
  if (bad.length === 0) return undefined
  const vocabulary = [...grammar.words, ...(grammar.codenames ?? [])].slice(0, 8).join(', ')
  return `the official ${image.familiar} image has no tag '${tag}': ${bad.map((b) => `'${b}'`).join(', ')} is not a version or a variant of it (its tags are ${grammar.versions ? 'a version, ' : ''}with ${vocabulary}…)`
}

/** Tools a variant of an official image ships, and where that is written. */
export interface ImageTools {
  curl: boolean
  wget: boolean
  /** `/bin/sh` exists (distroless and scratch have none). */
  shell: boolean
  /** Where the fact comes from. */
  source: string
}

const BUILDPACK =
  'built on buildpack-deps, whose curl layer installs curl and wget (docker-library/buildpack-deps)'
const SLIM =
  "a -slim variant installs only ca-certificates, netbase and tzdata at runtime; the wget it downloads with is purged (the image's Dockerfile in docker-library)"
const ALPINE = "Alpine's busybox provides wget, and curl is not installed (alpinelinux/docker-alpine)"

/**
 * The tools an image has, for the images whose Dockerfiles say so plainly; undefined for any
 * other image (a reviewer would have to look).
 */
export function toolsOf(image: ImageName): ImageTools | undefined {
  const tag = image.tag ?? 'latest'
  const words = tag.split('-')
  if (image.repository.startsWith('gcr.io/distroless/')) {
    const debug = words.includes('debug')
    return {
      curl: false,
      wget: debug,
      shell: debug,
      source: debug
        ? 'distroless :debug images add a busybox shell (GoogleContainerTools/distroless)'
        : 'distroless images contain no shell and no package manager (GoogleContainerTools/distroless)',
    }
  }
  // A tag the image does not have says nothing of what it ships.
  if (!image.official || tagProblem(image)) return undefined
  const name = image.familiar
  if (name === 'scratch')
    return { curl: false, wget: false, shell: false, source: 'scratch is an empty image' }
  const alpine = words.some((w) => w === 'alpine' || ALPINE_RELEASE.test(w))
  if (name === 'alpine' || name === 'busybox' || ((name === 'python' || name === 'node') && alpine))
    return {
      curl: false,
      wget: true,
      shell: true,
      source: name === 'busybox' ? 'busybox provides wget' : ALPINE,
    }
  if (name === 'python' || name === 'node') {
    if (words.includes('slim')) return { curl: false, wget: false, shell: true, source: SLIM }
    if (words.some((w) => w.startsWith('windowsservercore') || w.startsWith('nanoserver'))) return undefined
    return { curl: true, wget: true, shell: true, source: BUILDPACK }
  }
  if (name === 'debian' || name === 'ubuntu')
    return {
      curl: false,
      wget: false,
      shell: true,
      source: `the ${name} image is a minimal root filesystem without curl or wget`,
    }
  return undefined
}

/**
 * The port a server image listens on with its own command: the `EXPOSE` of its Dockerfile
 * in docker-library (nginx, httpd, …) or its maintainers' repository.
 */
const SERVER_PORTS: Record<string, number> = {
  nginx: 80,
  httpd: 80,
  redis: 6379,
  postgres: 5432,
  mysql: 3306,
  mariadb: 3306,
  mongo: 27017,
  registry: 5000,
  tomcat: 8080,
  wordpress: 80,
}

export function serverPort(image: ImageName): number | undefined {
  return image.official ? SERVER_PORTS[image.familiar] : undefined
}
