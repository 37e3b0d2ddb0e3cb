/** Architecture rules (ArchUnit) and module-descriptor checks over the main classes of every Postern module. */
package io.postern.it.architecture;
